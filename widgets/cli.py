"""Command line: ``clientelitis demo`` seeds a rehearsal room; ``clientelitis create`` makes a real one."""

from __future__ import annotations

import argparse
import sys

from .demo import seed_demo
from .page import Page
from .store import Store, StoreError
from .welcome import facilitator_link, join_link


def _page(base: str) -> Page:
    base = base.rstrip("/")
    scheme, _, rest = base.partition("://")
    host, _, port = rest.partition(":")
    return Page(script_name="/voila/render/00_bienvenida.ipynb", host=host, port=port)


def _print_links(room, key: str, base: str, public: str) -> None:
    print(f"  room     : {room.name}  (code {room.code}, language {room.lang})")
    print(f"  join     : {join_link(_page(public or base), room.code)}")
    print(f"  console  : {facilitator_link(_page(base), room.code, key)}   <- secret, do not project")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clientelitis", description=__doc__)
    parser.add_argument("--base", default="http://localhost:8866", help="address of the Voila server")
    parser.add_argument("--public", default="", help="address participants use (default: --base)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="(re)create the demo room with simulated participants")
    demo.add_argument("--participants", type=int, default=16)
    demo.add_argument("--lang", default="es", choices=["es", "en"])
    create = sub.add_parser("create", help="create a room and print its links")
    create.add_argument("name")
    create.add_argument("--industry", default="restaurant")
    create.add_argument("--lang", default="es", choices=["es", "en"])
    create.add_argument("--size", type=int, default=40)
    args = parser.parse_args(argv)

    store = Store()
    if args.command == "demo":
        room, key = seed_demo(store, participants=args.participants, lang=args.lang)
        print("Demo room with simulated participants:")
    else:
        try:
            room, key = store.create_room(args.name, args.industry, args.lang, expected_size=args.size)
        except StoreError as exc:
            print(f"error: {exc.key}", file=sys.stderr)
            return 2
        print("Room created:")
    _print_links(room, key, args.base, args.public)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
