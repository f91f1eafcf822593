"""A demo room with simulated participants, so a newcomer sees a filled facilitator screen at once."""

from __future__ import annotations

import random

from . import feliz, varita
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
    room, key = store.create_room(name, industry, lang, expected_size=participants, is_demo=True,
                                  state={"revealed": True})
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
    return store.room(room.id), key


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
