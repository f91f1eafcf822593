"""A demo room with simulated participants, so a newcomer sees a filled facilitator screen at once."""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets

from widgets.workshops.clientelitis import model as clientelitis
from widgets.workshops.clientes import model as clientes
from widgets import config
from widgets.workshops.feliz import model as feliz
from widgets.workshops.vacas import model as vacas
from widgets.workshops.varita import model as varita
from widgets.room.phases import revealed_everywhere
from widgets.room.store import Room, Store

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
    kit = store.kit(industry)
    journey = kit.touchpoints(lang)
    effect = journey_effect(journey, rng)
    people = []
    for i in range(participants):
        person, _token = store.join(room, DEMO_NAMES[i % len(DEMO_NAMES)] + ("" if i < len(DEMO_NAMES) else f" {i}"),
                                    DEMO_TEAMS[i % len(DEMO_TEAMS)])
        people.append(person)
        rate_journey(store, person, journey, effect, rng)  # a demo after the workshop: everyone rated every moment
    for person, text in zip(people[::2], DEMO_FELIZ_IDEAS.get(lang, DEMO_FELIZ_IDEAS["es"])):
        store.save_response(person, feliz.EXERCISE, feliz.IDEA_ITEM, feliz.idea(text))
    _seed_magic_wand(store, people, journey, effect, rng, lang)
    for person in people:
        rate_skills(store, person, kit.skills, rng)
    verdicts = _seed_cows(store, people, kit, rng, lang)
    _seed_customers(store, people, rng, lang)
    _seed_plan_and_hiring(store, people, rng, lang)
    earlier = seed_waves(store, lang)
    store.update_room_state(room.id, previous_room=earlier.id, verdicts=verdicts)
    return store.room(room.id), key


def journey_effect(journey: list, rng: random.Random) -> dict:
    """Each touchpoint's "true" effect on happiness; every third makes customers leave worse off."""
    effect = {tp.id: rng.choice([1, 1, 2, 0]) for tp in journey}
    for tp in journey[2::3]:
        effect[tp.id] = -rng.choice([1, 2])
    return effect


def rate_journey(store: Store, person, journey: list, effect: dict, rng: random.Random) -> None:
    """One simulated participant rates every touchpoint, entering and leaving."""
    for tp in journey:
        enter = rng.randint(2, 4)
        leave = min(5, max(1, enter + effect[tp.id] + rng.choice([-1, 0, 0, 1])))
        store.save_response(person, feliz.EXERCISE, tp.id, feliz.answer(enter, leave))


def rate_skills(store: Store, person, skills, rng: random.Random) -> None:
    """One simulated participant rates themselves on every skill."""
    store.save_response(person, clientelitis.EXERCISE, clientelitis.SKILLS_ITEM,
                        {s: min(5, max(1, round(rng.gauss(3.6, 0.7)))) for s in skills})


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


DEMO_FELIZ_IDEAS = {
    "es": ["Confirmar la reserva con un mensaje y el nombre de quien la atendió", "Traer el agua sin que la pidan",
           "Que el cocinero salude a los clientes frecuentes", "Cobrar en la mesa, sin hacer fila en la caja",
           "Preguntar al despedir qué mejoraríamos", "Avisar el tiempo real de espera al llegar"],
    "en": ["Confirm the booking by message, with the name of who took it", "Bring water before anyone asks",
           "Have the cook greet regular customers", "Take payment at the table, no queue at the till",
           "Ask at the door what we should improve", "Say the real waiting time on arrival"],
}
DEMO_CUSTOMERS = {  # (category, who, what they receive, one thing to make them happier)
    "es": [("external", "Comensales", "La comida y la atención", "Avisarles cuánto falta para su plato"),
           ("colleagues", "Meseros", "Los platos a tiempo", "Cantar en voz alta los pedidos listos"),
           ("boss", "Gerente", "El cierre de caja", "Entregar el cierre antes de las 11"),
           ("team", "Mi turno", "La mesa limpia y montada", "Dejar montado el turno siguiente"),
           ("suppliers", "Proveedor de verduras", "El pedido de la semana", "Pedir con dos días de anticipación")],
    "en": [("external", "Diners", "The food and the service", "Tell them how long their dish will take"),
           ("colleagues", "Waiters", "Dishes on time", "Call out loud when an order is ready"),
           ("boss", "Manager", "The till report", "Hand in the till report before 11"),
           ("team", "My shift", "A clean, laid table", "Leave the next shift's tables laid"),
           ("suppliers", "Vegetable supplier", "The weekly order", "Order two days ahead")],
}
DEMO_PLAN = {"es": ["Taller de recordatorio: Clientelitis", "Cliente misterioso y premio al fan del mes",
                    "Revisión de vacas sagradas", "Nueva ola del taller"],
             "en": ["Refresher workshop: Clientelitis", "Mystery shopper and fan of the month award",
                    "Sacred cow review", "Next wave of the workshop"]}
DEMO_OWNERS = {"es": ["Gerencia", "Jefe de cocina", "Caja"], "en": ["Management", "Head chef", "Till"]}


def _seed_cows(store: Store, people: list, kit, rng: random.Random, lang: str) -> dict:
    """Five sacred cows from the industry's catalog, votes and ratings, and a verdict on each."""
    keys = []
    for person, cow in zip(people, kit.catalog(lang)[:5]):
        item = vacas.new_cow_item()
        store.save_response(person, vacas.EXERCISE, item,
                            vacas.cow_value(cow["name"], cow["rule"], cow["kind"], cow["who"], cow["how"] or ["annoys"],
                                            rng.choice(vacas.FREQ[2:])))
        keys.append(f"{person.id}:{item[len(vacas.COW_PREFIX):]}")
    if not keys:
        return {}
    weights = list(range(len(keys), 0, -1))  # the first cows are the most hated
    tally: dict[str, int] = {}
    for person in people:
        votes: dict[str, int] = {}
        for key in rng.choices(keys, weights=weights, k=vacas.DEFAULT_BUDGET):
            votes[key] = votes.get(key, 0) + 1
            tally[key] = tally.get(key, 0) + 1
        store.save_response(person, vacas.EXERCISE, vacas.VOTES, votes)
        for n, key in enumerate(keys):
            harm = min(5, max(1, 5 - n + rng.choice([-1, 0, 0])))
            store.save_response(person, vacas.EXERCISE, vacas.SCORE_PREFIX + key,
                                vacas.score_value(harm, min(5, max(1, n + rng.choice([0, 1])))))
    ranked = sorted(keys, key=lambda k: -tally.get(k, 0))
    owners = DEMO_OWNERS.get(lang, DEMO_OWNERS["es"])
    step = {"es": "Preguntar a los clientes y redactar la regla nueva", "en": "Ask customers and draft the new rule"}
    due = dt.date.today() + dt.timedelta(days=45)
    # the room exterminates four cows (more than the earlier waves: the demo's waves improve) and rewrites one
    return {key: vacas.verdict_value("exterminate" if i < 4 else "rewrite", "", owners[i % len(owners)],
                                     step.get(lang, step["es"]), due)
            for i, key in enumerate(ranked)}


def _seed_customers(store: Store, people: list, rng: random.Random, lang: str) -> None:
    """Each person maps two or three of their customers (everyone who is not me)."""
    options = DEMO_CUSTOMERS.get(lang, DEMO_CUSTOMERS["es"])
    for person in people:
        for category, who, receives, better in rng.sample(options, rng.randint(2, 3)):
            happiness = rng.randint(1, 3) if category in ("colleagues", "suppliers") else rng.randint(2, 5)
            store.save_response(person, clientes.EXERCISE, clientes.new_item(),
                                clientes.customer_value(who, category, receives, happiness, better))


def _seed_plan_and_hiring(store: Store, people: list, rng: random.Random, lang: str) -> None:
    """Each team plans its reinforcement every four months; two interviews are scored."""
    if not people:
        return
    today = dt.date.today()
    titles = DEMO_PLAN.get(lang, DEMO_PLAN["es"])

    def plan(current):
        out = current or []
        for n, title in enumerate(titles):
            month = today.month + 4 * n  # next month, then every four months (zero-based from January)
            when = f"{today.year + month // 12:04d}-{month % 12 + 1:02d}"
            out = clientelitis.add_event(out, when, title, [clientelitis.EVERYONE], today)
        return out

    for person in {p.team: p for p in reversed(people)}.values():  # the first person of each team
        store.update_team_item(person, clientelitis.EXERCISE, clientelitis.PLAN, plan)
    for person, name, (low, high), flags in ((people[0], "Candidata A", (4, 5), []),
                                             (people[-1], "Candidato B", (2, 4), ["blames_customers"])):
        traits = {t: rng.randint(low, high) for t in clientelitis.TRAITS}
        store.save_response(person, clientelitis.EXERCISE, clientelitis.CANDIDATE_PREFIX + secrets.token_hex(4),
                            clientelitis.candidate_value(name, traits, flags, ""))
