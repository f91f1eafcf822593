"""A demo room with simulated participants, so a newcomer sees a filled facilitator screen at once."""

from __future__ import annotations

import random

from . import feliz
from .journeys import touchpoints
from .store import Room, Store

DEMO_NAMES = [
    "Ana", "Bruno", "Carla", "Diego", "Elena", "Fernando", "Gabriela", "Héctor", "Inés", "Jorge",
    "Karla", "Luis", "Marta", "Nicolás", "Olga", "Pablo", "Queta", "Raúl", "Sofía", "Tomás",
]
DEMO_TEAMS = ["Caja", "Cocina", "Salón", "Gerencia"]


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
    for i in range(participants):
        person, _token = store.join(room, DEMO_NAMES[i % len(DEMO_NAMES)] + ("" if i < len(DEMO_NAMES) else f" {i}"),
                                    DEMO_TEAMS[i % len(DEMO_TEAMS)])
        for tp in journey[: rng.randint(len(journey) - 2, len(journey))]:
            enter = rng.randint(2, 4)
            leave = min(5, max(1, enter + effect[tp.id] + rng.choice([-1, 0, 0, 1])))
            store.save_response(person, feliz.EXERCISE, tp.id, feliz.answer(enter, leave))
    return store.room(room.id), key
