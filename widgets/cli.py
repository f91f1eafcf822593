"""Command line for facilitators: seed a demo room, create rooms, and manage them from a terminal.

  demo / create            make a room and print its links
  rooms [--all]            list rooms, newest first (--all includes archived ones)
  links CODE               issue a new console link for a room (the old one stops working)
  export CODE [--out DIR]  write the room's CSV, XLSX, HTML report and results file
  import FILE --into CODE  merge a results file into a room
  close / archive / reopen CODE
  check                    can pages start here? (what `make start` checks before serving)
  organiser                issue a new organiser link (opens "create a room"; the previous one stops working)
  kit list                 the kits rooms can be created with (shipped industries and the organisation's own)
  kit export ID [--format json|xlsx] [--out PATH]
  kit import FILE [--replace]
  kit validate FILE        check a kit file without saving it
  kit delete ID            delete an own kit (rooms made with it keep their copy)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from widgets import export
from widgets.kits import files as kit_files
from widgets.kits import model as kits
from widgets.i18n import Translator
from widgets.kits.model import KitError, Problem
from widgets.demo import seed_demo
from widgets.serving.page import Page
from widgets.room.store import Room, Store, StoreError, normalize_code
from widgets.apps.welcome_page import facilitator_link, join_link, organiser_link

#: Exit code for a refusal the operator can fix (unknown room, bad file, empty name...).
EXIT_REFUSED = 2

#: ``command -> status`` for the commands that only change a room's status.
STATUS_COMMANDS = {"close": "closed", "archive": "archived", "reopen": "open"}


def _page(base: str) -> Page:
    base = base.rstrip("/")
    scheme, _, rest = base.partition("://")
    host, _, port = rest.partition(":")
    return Page(script_name="/voila/render/00_bienvenida.ipynb", host=host, port=port)


def _print_links(room, key: str, base: str, public: str) -> None:
    print(f"  room     : {room.name}  (code {room.code}, language {room.lang})")
    print(f"  join     : {join_link(_page(public or base), room.code)}")
    print(f"  console  : {facilitator_link(_page(base), room.code, key)}   <- secret, do not project")


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def _find_room(store: Store, raw_code: str) -> Room | None:
    """The room with that code, or None after printing a one-line error to stderr."""
    if normalize_code(raw_code) is None:
        _error(f"{raw_code!r} is not a room code (6 characters, e.g. ACD347)")
        return None
    room = store.room_by_code(raw_code)
    if room is None:
        _error(f"no room with code {normalize_code(raw_code)} (see `clientelitis rooms --all`)")
    return room


def _date(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _cmd_rooms(store: Store, args) -> int:
    rooms = store.list_rooms(include_archived=args.all)
    if not rooms:
        print("No rooms." if args.all else "No rooms (archived rooms are hidden: use --all).")
        return 0
    header = ("CODE", "STATUS", "LANG", "INDUSTRY", "PEOPLE", "CREATED", "NAME")
    rows = [
        (r.code, r.status, r.lang, r.industry, str(len(store.participants(r.id))), _date(r.created_at),
         r.name + ("  [demo]" if r.is_demo else ""))
        for r in rooms
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.rjust(w) if i == 4 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        print("  ".join([*cells, row[-1]]).rstrip())
    return 0


def _cmd_links(store: Store, room: Room, args) -> int:
    key = store.reset_facilitator_key(room.id)
    print("New console link issued. The previous console link no longer works.")
    if not room.is_open:
        print(f"Note: the room is {room.status}; participants cannot join or answer until you reopen it.")
    _print_links(room, key, args.base, args.public)
    return 0


def _cmd_export(store: Store, room: Room, args) -> int:
    out = Path(args.out)
    files = {out / name: data for name, data in export.room_files(store, room).values()}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, data in files.items():
            path.write_bytes(data)
    except OSError as exc:
        return _error(f"cannot write to {out}: {exc.strerror or exc}")
    print(f"Exported room {room.code} ({room.name}):")
    for path in files:
        print(f"  {path}")
    return 0


def _bad_bundle_shape(data: dict) -> bool:
    """True when a parsed results file would break the import half-way (checked before writing anything)."""
    people, answers = data["participants"], data["responses"]
    return (
        not all(isinstance(p, dict) for p in people)
        or not all(isinstance(a, dict) and "exercise" in a and "item" in a for a in answers)
        or not isinstance(data.get("room", {}), dict)
    )


def _cmd_import(store: Store, room: Room, args) -> int:
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        return _error(f"cannot read {args.file}: {exc.strerror or exc}")
    try:
        data = export.read_bundle(raw)
        if _bad_bundle_shape(data):
            raise StoreError("import.bad_file")
    except StoreError as exc:
        return _error(f"{args.file} is not a Clientelitis results file ({exc.key})")
    if not room.is_open:
        return _error(f"room {room.code} is {room.status}; run `clientelitis reopen {room.code}` first")
    people, answers = export.import_bundle(store, room, data)
    print(f"Imported {people} participants and {answers} answers into room {room.code} ({room.name}).")
    return 0


def _cmd_status(store: Store, room: Room, args) -> int:
    status = STATUS_COMMANDS[args.command]
    store.set_room_status(room.id, status)
    if room.status == status:
        print(f"Room {room.code} ({room.name}) was already {status}.")
    else:
        print(f"Room {room.code} ({room.name}): {room.status} -> {status}.")
    return 0


def _problems(exc: KitError) -> int:
    tr = Translator("en")
    for message in exc.messages(tr):
        print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def _read_kit(path: str):
    file = Path(path)
    if not file.is_file():
        raise KitError([Problem("file", "kit.file.missing", kwargs={"path": path})])
    if file.stat().st_size > kit_files.MAX_BYTES:
        raise kit_files._too_large(file.stat().st_size, kit_files.MAX_BYTES)
    return kit_files.read(file.name, file.read_bytes())


def _describe(kit) -> str:
    return (f"{kit.title('en')} ({', '.join(kit.langs)}): {len(kit.data['touchpoints'])} touchpoints, "
            f"{len(kit.data['cows'])} cows, {len(kit.skills)} skills, {len(kit.traits)} traits, {len(kit.flags)} red flags")


def _cmd_kit(store: Store, args) -> int:
    """``kit list|export|import|validate``: a kit file is read whole and checked before anything is saved."""
    try:
        if args.kit_command == "list":
            print(f"{'id':<24} {'source':<8} description")
            for kit in store.saved_kits():
                print(f"{kit.id:<24} {'own':<8} {_describe(kit)}")
            for kit_id in kits.shipped_ids():
                print(f"{kit_id:<24} {'shipped':<8} {_describe(kits.shipped(kit_id))}")
            return 0
        if args.kit_command == "export":
            kit = store.kit(args.id)
            if kit is None:
                return _error(f"no kit {args.id!r} (see `clientelitis kit list`)")
            name, data = kit_files.write(kit, args.format)
            out = Path(args.out) if args.out else Path(name)
            if out.is_dir():
                out = out / name
            out.write_bytes(data)
            print(f"Kit {kit.id} written to {out}")
            return 0
        if args.kit_command == "delete":
            kit = store.kit(args.id)
            if kit is None or kit.shipped:
                return _error(f"no own kit {args.id!r} (see `clientelitis kit list`; shipped kits cannot be deleted)")
            store.delete_kit(kit.id)
            print(f"Kit {kit.id} deleted (rooms created with it keep their copy).")
            return 0
        kit = _read_kit(args.file)
        if args.kit_command == "validate":
            print(f"OK: {kit.id}: {_describe(kit)}")
            return 0
        store.save_kit(kit, replace=args.replace)
        print(f"Kit {kit.id} imported: {_describe(kit)}")
        return 0
    except KitError as exc:
        return _problems(exc)
    except StoreError as exc:
        return _error(Translator("en")(exc.key, **exc.kwargs) + ("" if exc.key != "kit.exists" else " (use --replace)"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientelitis", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://localhost:8866", help="address of the Voila server")
    parser.add_argument("--public", default="", help="address participants use (default: --base)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="can pages start here? (kernel, template); one line and exit 1 when not")
    sub.add_parser("organiser", help="issue a new organiser link (opens 'create a room'; the previous one stops working)")
    demo = sub.add_parser("demo", help="(re)create the demo room with simulated participants")
    demo.add_argument("--participants", type=int, default=16)
    demo.add_argument("--lang", default="es", choices=["es", "en"])
    create = sub.add_parser("create", help="create a room and print its links")
    create.add_argument("name")
    create.add_argument("--industry", "--kit", default="restaurant", help="a kit's id (see `clientelitis kit list`)")
    create.add_argument("--lang", default="es", choices=["es", "en"])
    create.add_argument("--size", type=int, default=40)
    rooms = sub.add_parser("rooms", help="list rooms, newest first")
    rooms.add_argument("--all", action="store_true", help="include archived rooms")
    links = sub.add_parser("links", help="issue a new console link (the previous one stops working)")
    links.add_argument("code")
    exp = sub.add_parser("export", help="write the room's CSV, XLSX, HTML report and results file")
    exp.add_argument("code")
    exp.add_argument("--out", default=".", help="folder to write to (default: current folder)")
    imp = sub.add_parser("import", help="merge a results file (.clientelitis.json) into a room")
    imp.add_argument("file")
    imp.add_argument("--into", required=True, metavar="CODE", help="code of the room to import into")
    kit = sub.add_parser("kit", help="workshop kits: list, export, import, validate")
    kit_sub = kit.add_subparsers(dest="kit_command", required=True)
    kit_sub.add_parser("list", help="the kits rooms can be created with")
    kexp = kit_sub.add_parser("export", help="write a kit to one file")
    kexp.add_argument("id")
    kexp.add_argument("--format", choices=["json", "xlsx"], default="json")
    kexp.add_argument("--out", default="", help="file or folder (default: kit-ID.FORMAT here)")
    kimp = kit_sub.add_parser("import", help="check a kit file and save it (all of it, or nothing)")
    kimp.add_argument("file")
    kimp.add_argument("--replace", action="store_true", help="replace a saved kit with the same id")
    kval = kit_sub.add_parser("validate", help="check a kit file without saving it")
    kval.add_argument("file")
    kit_sub.add_parser("delete", help="delete an own kit (rooms made with it keep their copy)").add_argument("id")
    for command, status in STATUS_COMMANDS.items():
        sub.add_parser(command, help=f"set the room's status to {status}").add_argument("code")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        from widgets.serving import preflight

        return preflight.main()
    store = Store()
    try:
        if args.command == "demo":
            room, key = seed_demo(store, participants=args.participants, lang=args.lang)
            print("Demo room with simulated participants:")
            _print_links(room, key, args.base, args.public)
            return 0
        if args.command == "create":
            room, key = store.create_room(args.name, args.industry, args.lang, expected_size=args.size)
            print("Room created:")
            _print_links(room, key, args.base, args.public)
            return 0
        if args.command == "rooms":
            return _cmd_rooms(store, args)
        if args.command == "kit":
            return _cmd_kit(store, args)
        if args.command == "organiser":
            key = store.new_organiser_key()
            print("Organiser link (create rooms; secret, like a password: the previous one no longer works):")
            print(f"  {organiser_link(_page(args.base), key)}   <- secret, do not project")
            return 0
        room = _find_room(store, args.into if args.command == "import" else args.code)
        if room is None:
            return EXIT_REFUSED
        handler = {"links": _cmd_links, "export": _cmd_export, "import": _cmd_import}.get(
            args.command, _cmd_status
        )
        return handler(store, room, args)
    except StoreError as exc:
        print(f"error: {exc.key}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        store.dispose()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
