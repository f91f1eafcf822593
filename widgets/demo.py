"""A demo room with simulated participants, so a newcomer sees a filled facilitator screen at once."""

from __future__ import annotations

import random

import json

from . import clientelitis, clientes, config, feliz, vacas, varita
from .phases import revealed_everywhere
from .journeys import touchpoints
from .store import Room, Store

DEMO_NAMES = [
    "Ana", "Bruno", "Carla", "Diego", "Elena", "Fernando", "Gabriela", "Héctor", "Inés", "Jorge",
    "Karla", "Luis", "Marta", "Nicolás", "Olga", "Pablo", "Queta", "Raúl", "Sofía", "Tomás",
]
DEMO_TEAMS = ["Caja", "Cocina", "Salón", "Gerencia"]
DEMO_IDEAS = {
    "es": ["Avisar por mensaje cuando la mesa esté lista", "Recibir por su nombre a los clientes frecuentes",
           "Pagar desde la mesa con el celular", "Una sorpresa pequeña para los cumpleaños",
           "Menú con fotos y tiempos de espera reales", "Despedir en la puerta y preguntar qué mejorar"],
    "en": ["Text customers when their table is ready", "Greet regular customers by name",
           "Pay from the table with a phone", "A small surprise for birthdays",
           "A menu with photos and real waiting times", "Say goodbye at the door and ask what to improve"],
}


def seed_demo(store: Store, participants: int = 16, industry: str = "restaurant", lang: str = "es",
              seed: int = 7) -> tuple[Room, str]:
    """Replace any earlier demo room with a new one full of plausible answers; returns room and key."""
    for old in store.list_rooms(include_archived=True):
        if old.is_demo:
            store.delete_room(old.id)
    name = "Demo · Restaurante La Esquina" if lang == "es" else "Demo · Corner Restaurant"
    shown = revealed_everywhere((feliz.EXERCISE, varita.EXERCISE, vacas.EXERCISE, clientes.EXERCISE, clientelitis.EXERCISE))
    room, key = store.create_room(name, industry, lang, expected_size=participants, is_demo=True,
                                  state={"workshops": shown})  # a demo shows its results at once
    rng = random.Random(seed)
    journey = touchpoints(industry, lang)
    # Each touchpoint has a "true" effect on happiness; two of them make customers leave worse off.
    effect = {tp.id: rng.choice([1, 1, 2, 0]) for tp in journey}
    for tp in journey[2::3]:
        effect[tp.id] = -rng.choice([1, 2])
    people = []
    for i in range(participants):
        person, _token = store.join(room, DEMO_NAMES[i % len(DEMO_NAMES)] + ("" if i < len(DEMO_NAMES) else f" {i}"),
                                    DEMO_TEAMS[i % len(DEMO_TEAMS)])
        people.append(person)
        for tp in journey[: rng.randint(len(journey) - 2, len(journey))]:
            enter = rng.randint(2, 4)
            leave = min(5, max(1, enter + effect[tp.id] + rng.choice([-1, 0, 0, 1])))
            store.save_response(person, feliz.EXERCISE, tp.id, feliz.answer(enter, leave))
    _seed_magic_wand(store, people, journey, effect, rng, lang)
    for person in people:
        skills = {s: min(5, max(1, round(rng.gauss(3.6, 0.7)))) for s in clientelitis.SKILLS}
        store.save_response(person, clientelitis.EXERCISE, clientelitis.SKILLS_ITEM, skills)
    earlier = seed_waves(store, lang)
    store.update_room_state(room.id, previous_room=earlier.id,
                            verdicts={f"demo:{i}": {"decision": "exterminate"} for i in range(7)})
    return store.room(room.id), key


def seed_waves(store: Store, lang: str = "es") -> Room:
    """Create the demo organisation's two earlier waves (from data/demo) as closed, linked rooms; returns
    the latest of them."""
    with open(config.DATA_DIR / "demo" / "organizacion_demo.json", encoding="utf-8") as fh:
        data = json.load(fh)
    previous = None
    for wave in data["waves"]:
        state = {"verdicts": {f"w:{i}": {"decision": c["decision"]} for i, c in enumerate(wave["cows_removed"])}}
        if previous is not None:
            state["previous_room"] = previous.id
        room, _key = store.create_room(wave["name"].get(lang, wave["name"]["es"]), data["industry"], lang,
                                       is_demo=True, state=state)
        for p in wave["participants"]:
            person, _ = store.join(room, p["name"], p["team"])
            store.save_response(person, clientelitis.EXERCISE, clientelitis.SKILLS_ITEM, p["skills"])
            for tp, answer in p["feliz"].items():
                store.save_response(person, feliz.EXERCISE, tp, answer)
        store.set_room_status(room.id, "closed")
        previous = store.room(room.id)
    return previous


def _seed_magic_wand(store: Store, people: list, journey: list, effect: dict, rng: random.Random, lang: str) -> None:
    """Each team rates today's journey, imagines ideas and spends its votes."""
    template = varita.journey_from_template(journey)
    texts = DEMO_IDEAS.get(lang, DEMO_IDEAS["es"])
    for person in people:
        store.update_team_item(person, varita.EXERCISE, varita.JOURNEY, lambda v: v or template)
        for tp in journey:
            enter = rng.randint(2, 4)
            leave = min(5, max(1, enter + effect[tp.id] + rng.choice([-1, 0])))
            store.save_response(person, varita.EXERCISE, varita.TODAY_PREFIX + tp.id,
                                varita.today_answer(enter, leave, ""))
    ideas_by_team: dict[str, list[str]] = {}
    for k, person in enumerate(people[: 2 * len(DEMO_TEAMS)]):
        tp = journey[(k * 2) % len(journey)]
        item = varita.new_idea_item()
        value = varita.idea_value(tp.id, texts[k % len(texts)], rng.randint(3, 5), rng.randint(2, 5),
                                  rng.randint(1, 4), rng.randint(4, 5))
        store.save_response(person, varita.EXERCISE, item, value)
        ideas_by_team.setdefault(person.team, []).append(f"{person.id}:{item[len(varita.IDEA_PREFIX):]}")
    for person in people:
        keys = ideas_by_team.get(person.team, [])
        if keys:
            votes: dict = {}
            for _ in range(varita.DEFAULT_BUDGET):
                pick = rng.choice(keys)
                votes[pick] = votes.get(pick, 0) + 1
            store.save_response(person, varita.EXERCISE, varita.VOTES, votes)
