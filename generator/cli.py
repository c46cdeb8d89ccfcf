"""The command line: parse arguments, run one verb, print, choose the exit code.

This is the only module that prints to the terminal or picks an exit code:
0 success, 1 invalid content or a failed build, 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.errors import BuildError, UsageError
from generator.problems import FORMATTERS, Problem, has_errors

DEFAULT_CONTENT = Path("content")
DEFAULT_OUT = Path("site")


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Validate and publish a conflict-event timeline."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    def content_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--content",
            type=Path,
            default=DEFAULT_CONTENT,
            metavar="DIR",
            help="content folder (default: content)",
        )

    def format_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--format",
            choices=sorted(FORMATTERS),
            default=None,
            help="problem output format (default: github under GitHub Actions, else text)",
        )

    def cache_options(sub: argparse.ArgumentParser, default: str) -> None:
        sub.add_argument(
            "--cache-dir", type=Path, default=None, metavar="DIR", help=f"cache folder {default}"
        )
        sub.add_argument("--no-cache", action="store_true", help="neither read nor write a cache")

    def build_options(sub: argparse.ArgumentParser) -> None:
        content_option(sub)
        format_option(sub)
        sub.add_argument(
            "--out",
            type=Path,
            default=DEFAULT_OUT,
            metavar="DIR",
            help="output folder (default: site)",
        )
        sub.add_argument(
            "--base-url",
            default=None,
            metavar="URL",
            help="absolute URL the site is published at (overrides site.yaml)",
        )
        cache_options(sub, "(default: .cache/<output name> next to the output folder)")
        sub.add_argument(
            "--no-search", action="store_true", help="skip the search index (faster previews)"
        )

    build = verbs.add_parser("build", help="validate the content and write the site (default)")
    build_options(build)
    check = verbs.add_parser("check", help="validate the content; write nothing but its cache")
    content_option(check)
    format_option(check)
    cache_options(check, "(default: .cache/check-<content name> next to the content folder)")
    serve = verbs.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    build_options(serve)
    serve.add_argument(
        "--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks one)"
    )
    new = verbs.add_parser("new", help="write a new event skeleton")
    content_option(new)
    new.add_argument("--title", required=True, help="the event's title")
    new.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
    new.add_argument("--place", action="append", default=[], metavar="ID", help="a place id")
    new.add_argument("--actor", action="append", default=[], metavar="ID", help="an actor id")
    new.add_argument("--id", default=None, help="the event id (default: made from the title)")
    links = verbs.add_parser("links", help="check every source and archive URL")
    content_option(links)
    format_option(links)
    links.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    links.add_argument("--connections", type=int, default=8, help="requests at once")
    links.add_argument(
        "--retries", type=int, default=2, help="retries after a timeout or server error"
    )
    return parser


def print_problems(problems: Sequence[Problem], fmt: str | None, stream: TextIO) -> None:
    stream.write(FORMATTERS[fmt or _default_format()](problems))


def _require_folder(path: Path) -> None:
    if not path.is_dir():
        raise UsageError(f"content folder '{path}' does not exist or is not a folder")


def run_check(args: argparse.Namespace) -> int:
    from generator import cache
    from generator.check import check_site

    _require_folder(args.content)
    cache_dir = None if args.no_cache else args.cache_dir or cache.default_check_dir(args.content)
    if cache_dir is not None:
        cache.check_cache_location(cache_dir, args.content)
    problems = check_site(args.content, cache_dir)
    fmt = args.format or _default_format()
    print_problems(problems, fmt, sys.stdout)
    if fmt == "text":
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if has_errors(problems) else 0


def run_build(args: argparse.Namespace) -> int:
    from generator.build import build_site
    from generator.progress import Progress

    _require_folder(args.content)
    progress = Progress(sys.stderr, "build")
    try:
        problems = build_site(
            args.content,
            args.out,
            base_url=args.base_url,
            cache_dir=None if args.no_cache else args.cache_dir,
            use_cache=not args.no_cache,
            with_search=not args.no_search,
            report=progress.update,
        )
    finally:
        progress.close()
    errors = [p for p in problems if p.severity == "error"]
    print_problems(errors, args.format, sys.stderr)
    if has_errors(problems):
        print(f"build failed: {len(errors)} error(s); '{args.out}' left as it was", file=sys.stderr)
        return 1
    print(f"built {args.out}", file=sys.stderr)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    _require_folder(args.content)
    return serve(args)


def run_new(args: argparse.Namespace) -> int:
    from generator.scaffold import create_event

    _require_folder(args.content)
    path = create_event(
        args.content, args.title, args.date, args.place, args.actor, event_id=args.id
    )
    print(path)
    return 0


def run_links(args: argparse.Namespace) -> int:
    from generator.linkcheck import check_links, is_dead
    from generator.progress import Progress

    _require_folder(args.content)
    if args.timeout <= 0 or args.connections < 1 or args.retries < 0:
        raise UsageError("--timeout must be above 0, --connections at least 1, --retries 0 or more")
    progress = Progress(sys.stderr, "links checked")
    try:
        problems = check_links(
            args.content,
            timeout=args.timeout,
            connections=args.connections,
            retries=args.retries,
            on_progress=progress,
        )
    finally:
        progress.close()
    print_problems(problems, args.format, sys.stdout)
    dead = sum(1 for p in problems if is_dead(p))
    print(f"{dead} dead link(s), {len(problems) - dead} other warning(s)", file=sys.stderr)
    return 1 if dead or has_errors(problems) else 0


COMMANDS = {
    "build": run_build,
    "check": run_check,
    "serve": run_serve,
    "new": run_new,
    "links": run_links,
}


_TOP_LEVEL_FLAGS = ("-h", "--help", "--version")


def main(argv: Sequence[str]) -> int:
    arguments = list(argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in _TOP_LEVEL_FLAGS):
        arguments.insert(0, "build")
    try:
        args = _parser().parse_args(arguments)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return COMMANDS[args.verb](args)
    except UsageError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except BuildError as problem:
        print(f"build failed: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
