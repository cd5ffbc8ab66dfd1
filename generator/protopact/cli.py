"""The ``protopact`` command line: one click group, one function per verb.

Verbs parse options, load inputs through :mod:`protopact.compile` and hand over to the layer that does
the work. Every error that ends a command is printed as :func:`protopact.errors.report` words it,
with exit code 1 (never a traceback); findings exit 100.

Each verb imports what it runs inside its own function, and loading inputs imports the compile
layer when an input is loaded: a run pays at start-up only for the code its verb uses (the compile
layer alone takes about 0.1 s to import; ``--help`` and ``rules`` need none of it).
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import click

from .console import info, set_quiet
from .errors import CompileError, ProtopactError, debugging, report
from .render.targets import TARGETS
from .runtime import leave, one_shot

if TYPE_CHECKING:
    from .compile.cache import Cache
    from .compile.inputs import Input

FINDINGS_EXIT = 100


class _Group(click.Group):
    """Runs a command; the one place where an error becomes a line on stderr and exit code 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # buf's "-#format=json" (standard input, in a format named) is no option: it is read as
        # the other name buf gives standard input, wherever it stands
        return super().parse_args(
            ctx, [f"/dev/stdin{a[1:]}" if a.startswith("-#") else a for a in args])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                BrokenPipeError):
            raise  # click words these itself
        except Exception as exc:
            if debugging() and not isinstance(exc, ProtopactError):
                raise
            click.echo(report(exc), err=True)
            ctx.exit(1)


def _cache(no_cache: bool) -> Cache:
    from .compile.cache import Cache, default_cache_dir

    return Cache(None if no_cache else default_cache_dir())


def load(text: str, *, no_cache: bool = False, side: str | None = None,
         complete: bool = False) -> Input:
    """Load an INPUT; ``side`` names it in errors when a command reads two inputs. ``complete``
    compiles the imports an image lacks, for commands that need every descriptor."""
    from .compile.inputs import load_input

    try:
        loaded = load_input(text, cwd=Path.cwd(), cache=_cache(no_cache))
        return loaded.completed(text) if complete else loaded
    except ProtopactError as exc:
        raise (exc.prefixed(side) if side else exc) from None


no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Run without reading or writing the cache (compiled images, lint findings)."
)
force_option = click.option(
    "--force", is_flag=True,
    help="Replace files protopact did not write (not in its manifest) where output goes.")


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from .versions import version_lines

    for line in version_lines():
        click.echo(line)
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the versions of protopact, its protoc and the buf it is compatible with.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only results, findings, warnings and errors: no summaries, no progress.")
def cli(quiet: bool) -> None:
    """protopact: build, lint, check and publish a Protocol Buffers contract.

    Shell completion: eval "$(_PROTOPACT_COMPLETE=bash_source protopact)" in ~/.bashrc
    (zsh_source in ~/.zshrc; fish: _PROTOPACT_COMPLETE=fish_source protopact | source).
    """
    set_quiet(quiet)


_VALIDATE_HELP = ("Refuse requests that break their buf.validate rules, or REST requests that "
                  "leave a REQUIRED field unset (INVALID_ARGUMENT, 400).")


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the image here: JSON when the name ends in .json, binary otherwise.")
@click.option("--exclude-imports", is_flag=True, help="Leave imported files out of the image.")
@click.option("--exclude-source-info", is_flag=True, help="Leave source locations and comments out.")
@click.option("--as-file-descriptor-set", is_flag=True,
              help="Write a plain FileDescriptorSet, without buf's import marks.")
@click.option("--path", "paths", multiple=True, help="Limit targets to files under this path.")
@click.option("--exclude-path", "exclude_paths", multiple=True, help="Leave out files under this path.")
@no_cache_option
@one_shot
def build(input_: str, output: Path | None, exclude_imports: bool, exclude_source_info: bool,
          as_file_descriptor_set: bool, paths: tuple[str, ...], exclude_paths: tuple[str, ...],
          no_cache: bool) -> None:
    """Compile INPUT into an image (a FileDescriptorSet that buf also reads).

    INPUT is any reference buf reads (default "."): a directory, a .proto file, an image
    (.binpb, .json, .txtpb, .yaml, compressed or not, - for standard input), an archive (.tar,
    .tgz, .tar.zst, .zip, local or https://), a git repository (PATH.git#branch=B,subdir=D,
    URL#format=git, git:REF); or pkg:NAME or a wheel of a generated package.
    """
    loaded = load(input_, no_cache=no_cache)
    image = loaded.image
    if paths or exclude_paths:
        image = loaded.restricted(paths, exclude_paths).image.without_unimported()
    if exclude_imports:
        image = image.without_imports()
    if output is None:
        return
    from .render.writer import write_file

    if exclude_source_info:
        image = image.without_source_info()
    marks = not as_file_descriptor_set
    data = (image.to_json(mark_imports=marks).encode() if output.suffix == ".json"
            else image.to_binary(mark_imports=marks))
    write_file(output, data)


@cli.command("deps")
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How the list is printed.")
@no_cache_option
@one_shot
def deps_(input_: str, fmt: str, no_cache: bool) -> None:
    """List INPUT's dependencies: where each was resolved from, its version or digest, and the
    files it served to the build."""
    from .deps import resolve
    from .deps.listing import as_json, as_text, listing

    loaded = load(input_, no_cache=no_cache)
    entries = listing(loaded.image, resolve(loaded.workspace, loaded.project))
    click.echo((as_json if fmt == "json" else as_text)(entries), nl=False)


_ERROR_FORMATS = ["text", "json", "msvs", "junit", "github-actions", "gitlab-code-quality",
                  "sarif", "markdown"]
error_format_option = click.option(
    "--error-format", default="text", show_default=True, type=click.Choice(_ERROR_FORMATS),
    help="How findings are printed: buf's formats plus sarif and markdown.")
lint_error_format_option = click.option(
    "--error-format", default="text", show_default=True,
    type=click.Choice([*_ERROR_FORMATS, "config-ignore-yaml"]),
    help="How findings are printed: buf's formats (config-ignore-yaml: the buf.yaml ignore_only "
         "that silences them) plus sarif and markdown.")
path_options = [
    click.option("--path", "paths", multiple=True, help="Limit to files under this path."),
    click.option("--exclude-path", "exclude_paths", multiple=True, help="Leave out files under this path."),
]


def _with_paths(func: Any) -> Any:
    for option in reversed(path_options):
        func = option(func)
    return func


@contextmanager
def _compile_errors_as_findings(error_format: str) -> Iterator[None]:
    """As buf does, lint and breaking report a file that does not compile as COMPILE findings
    (exit 100), so CI annotations show them; errors that name no place stay errors (exit 1)."""
    try:
        yield
    except CompileError as exc:
        _print_outcome(_compile_outcome(exc), error_format)


def _compile_outcome(exc: CompileError) -> Any:
    """The COMPILE findings of ``exc``; ``exc`` itself when it names no place."""
    from .checks.engine import Outcome
    from .checks.findings import compile_findings

    findings = compile_findings(exc)
    if not findings:
        raise exc
    warnings = [line.removeprefix("WARN: ") for line in exc.message.splitlines()
                if line.startswith("WARN: ")]
    return Outcome.of(findings, warnings)


def _show_outcome(outcome: Any, error_format: str, *, err: bool = False) -> int:
    """Print the warnings and findings; return how many findings."""
    from .checks.formats import printed

    for warning in outcome.warnings:
        click.echo(f"WARN: {warning}", err=True)
    click.echo(printed(outcome, error_format), nl=False, err=err)
    return outcome.count


def _print_outcome(outcome: Any, error_format: str, *, err: bool = False) -> None:
    if _show_outcome(outcome, error_format, err=err):
        sys.exit(FINDINGS_EXIT)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@lint_error_format_option
@_with_paths
@click.option("--fix", "fix_", is_flag=True,
              help="Rewrite INPUT (a directory) in place: remove unused imports, and with --against "
                   "reserve the numbers and names of deleted fields and enum values.")
@click.option("--against", help="With --fix: the baseline whose deleted fields get reserved.")
@click.option("--watch", "watch_", is_flag=True,
              help="Lint again after every edit to INPUT (a directory) until Ctrl-C, compiling "
                   "only the files that changed and their dependents.")
@no_cache_option
@one_shot
def lint(input_: str, error_format: str, paths: tuple[str, ...], exclude_paths: tuple[str, ...],
         fix_: bool, against: str | None, watch_: bool, no_cache: bool) -> None:
    """Lint INPUT with buf's rules and the contract conventions, configured by buf.yaml.

    Exit code 100 when anything is found (after the rewrites, with --fix).
    """
    from .checks.engine import run_lint
    from .checks.lint import REGISTRY
    from .checks.reuse import LintReuse
    from .compile.aside import writes_aside
    from .compile.sourceinfo import on_demand
    from .config.settings import load_settings

    # a watch's lints keep the previous one's findings, and their text in this format
    reuse = LintReuse(_cache(no_cache), error_format)

    # Within writes_aside: the compiled image and the findings are stored in the cache by forked
    # children while the rules run and the findings are filtered and printed.
    def linted() -> tuple[Input, Any]:
        with on_demand():  # lint reads source info only where it checks or places findings
            loaded = load(input_, no_cache=no_cache)
        if paths or exclude_paths:
            loaded = loaded.restricted(paths, exclude_paths)
        named = load_settings(loaded.workspace.root).conventions
        return loaded, run_lint(loaded, REGISTRY, label=_config_label(loaded),
                                named_conventions=named, reuse=reuse)

    if against and not fix_:
        raise ProtopactError("--against is only used with --fix")
    if watch_:
        from .live.lint import watch_lint

        if fix_:
            raise ProtopactError("--fix and --watch cannot be used together")

        def lint_once() -> int:
            with writes_aside():
                try:
                    outcome = linted()[1]
                except CompileError as exc:
                    outcome = _compile_outcome(exc)
                return _show_outcome(outcome, error_format)

        watch_lint(Path(input_), lint_once)
        return
    with _compile_errors_as_findings(error_format):
        if fix_:
            from .checks.fix import fix

            with writes_aside():  # stored before the fixed tree is linted again
                loaded, outcome = linted()
            if not Path(input_).is_dir():
                raise ProtopactError(f"{input_}: --fix rewrites files, so INPUT must be a directory")
            baseline = load(against, no_cache=no_cache, side="against") if against else None
            if fix(loaded, outcome.findings, loaded.workspace.root, baseline):
                with writes_aside():
                    outcome = linted()[1]
            _print_outcome(outcome, error_format)
            return
        with writes_aside():
            _print_outcome(linted()[1], error_format)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--against", required=True, help="The baseline: any INPUT form.")
@error_format_option
@_with_paths
@click.option("--exclude-imports", is_flag=True, help="Do not check imported files.")
@click.option("--limit-to-input-files", is_flag=True,
              help="Check only the baseline files that INPUT's targets also have.")
@click.option("--bump-from", metavar="X.Y.Z",
              help="Print the next version on stdout (findings then go to stderr): major on "
                   "breaking changes and on removed files or elements whatever the rules, minor on "
                   "additions, patch otherwise (0.x: breaking changes bump the minor).")
@click.option("--bump-output", type=click.Path(dir_okay=False, path_type=Path),
              help="With --bump-from: write the next version to this file instead of stdout.")
@no_cache_option
@one_shot
def breaking(input_: str, against: str, error_format: str, paths: tuple[str, ...],
             exclude_paths: tuple[str, ...], exclude_imports: bool, limit_to_input_files: bool,
             bump_from: str | None, bump_output: Path | None, no_cache: bool) -> None:
    """Check INPUT for breaking changes against a baseline, configured by buf.yaml.

    Exit code 100 when anything is found.
    """
    from .checks.breaking import REGISTRY
    from .checks.engine import run_breaking
    from .checks.versioning import bump, parse_version
    from .compile.aside import writes_aside
    from .compile.image import sharing
    from .compile.inputs import cached_input, from_sources
    from .compile.locate import located_later

    if bump_output is not None and bump_from is None:
        raise ProtopactError("--bump-output is only used with --bump-from")
    if bump_from is not None:
        parse_version(bump_from)
    # Findings are placed on the input's files only: two sides compiled from sources compile
    # without source info, and the input's files findings lie in are located once found. (An
    # image keeps its source info: the other side's files would then all differ from its own.)
    bare = from_sources(input_, Path.cwd()) and from_sources(against, Path.cwd())

    def compiling(*, anywhere: bool) -> AbstractContextManager[None]:
        return located_later(anywhere=anywhere) if bare else nullcontext()

    with _compile_errors_as_findings(error_format), sharing() as checked, writes_aside():
        # The input first, as buf reads them: the baseline then compiles only the files that
        # differ from it (a git baseline writes only those out of git); unless the cache holds
        # the baseline (a CI job's saved cache), which then offers the input its files.
        with compiling(anywhere=True):
            cached = cached_input(against, cwd=Path.cwd(), cache=_cache(no_cache))
        with compiling(anywhere=False):
            current = load(input_, no_cache=no_cache, side="input")
        checked("input")
        with compiling(anywhere=True):
            previous = cached or load(against, no_cache=no_cache, side="against")
        try:  # the baseline's image is checked meanwhile
            if paths or exclude_paths:
                current = current.restricted(paths, exclude_paths)
                previous = previous.restricted(paths, exclude_paths)
            outcome = run_breaking(current, previous, REGISTRY, label=_config_label(current),
                                   exclude_imports=exclude_imports,
                                   limit_to_input_files=limit_to_input_files)
        finally:
            checked("against")
    if bump_from is None:
        _print_outcome(outcome, error_format)
        return
    version = bump(bump_from, previous.image, current.image, findings=bool(outcome.findings))
    if bump_output is None:
        click.echo(version)
    else:
        from .render.writer import write_file

        write_file(bump_output, f"{version}\n".encode())
    _print_outcome(outcome, error_format, err=bump_output is None)


def _config_label(loaded: Input) -> str:
    config = loaded.workspace.config_file
    return config.name if config else "buf.yaml"


@cli.command("format")
@click.argument("input_", metavar="INPUT", default=".")
@click.option("-w", "--write", "write_", is_flag=True, help="Rewrite the files in place.")
@click.option("-d", "--diff", "diff_", is_flag=True, help="Print a unified diff instead of the files.")
@click.option("--exit-code", is_flag=True, help="Exit 100 when any file is not formatted.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (all files concatenated) or directory (the tree).")
@_with_paths
@no_cache_option
@one_shot
def format_(input_: str, write_: bool, diff_: bool, exit_code: bool, output: Path | None,
            paths: tuple[str, ...], exclude_paths: tuple[str, ...], no_cache: bool) -> None:
    """Format INPUT's .proto files exactly as buf format does (INPUT: a directory, a .proto file,
    an archive or a git repository; only the first two can be rewritten in place)."""
    from .compile.build import verdict_only
    from .compile.inputs import listed, source_input
    from .compile.locate import located_later
    from .compile.protoc import begun_early, one_run
    from .format.known import Known
    from .format.outlet import Outlet
    from .format.run import Formatting, split_input

    if write_ and output is not None:
        raise ProtopactError("--write and --output cannot be used together")
    input_, paths = split_input(input_, paths, write=write_)
    cache = _cache(no_cache)
    formatting = Formatting(lambda count: Outlet(write=write_, diff=diff_, output=output, count=count),
                            Known(cache), paths=paths, exclude_paths=exclude_paths)
    # protoc's verdict is all format needs of the compile (no source info, options as written):
    # the files are read again as text, and half of them already while protoc compiles (in one
    # process: formatting takes the other CPU), begun while the files are still read
    with formatting, located_later(anywhere=True), verdict_only(), one_run(), begun_early(), \
            listed(formatting.start), source_input(input_, cwd=Path.cwd(), cache=cache) as loaded:
        outlet, done = formatting.run(loaded)
        unformatted = outlet.finish(done, echo=lambda text: click.echo(text, nl=False))
    if exit_code and unformatted:
        sys.exit(FINDINGS_EXIT)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@no_cache_option
@one_shot
def conventions(input_: str, no_cache: bool) -> None:
    """Print the contract conventions INPUT follows, recognised by shape or named in
    [tool.protopact.conventions], and where each is declared."""
    from .config.settings import load_settings
    from .schema.conventions import recognise

    loaded = load(input_, no_cache=no_cache)
    found = recognise(loaded.image.files, load_settings(loaded.workspace.root).conventions)
    for line in found.lines():
        click.echo(line)


@cli.command()
@click.argument("kind", type=click.Choice(["lint", "breaking"]))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--version", "config_version", type=click.Choice(["v1beta1", "v1", "v2"]), default="v2",
              show_default=True, help="The buf.yaml version whose categories are listed.")
def rules(kind: str, fmt: str, config_version: str) -> None:
    """List the lint or breaking rules with their purpose and categories."""
    from .checks.listing import render_rules

    if kind == "lint":
        from .checks.lint import REGISTRY
    else:
        from .checks.breaking import REGISTRY
    click.echo(render_rules(REGISTRY, version=config_version, fmt=fmt), nl=False)


@cli.command()
@click.argument("input_", metavar="INPUT", required=False)
@click.option("--out", type=click.Path(path_type=Path),
              help="Output directory (default: [tool.protopact] out, else generated/).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing files that would change.")
@click.option("--template", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Run this buf.gen.yaml (v1 or v2) instead; default: buf.gen.yaml in the "
                   "current directory when pyproject.toml has no [tool.protopact].")
@click.option("-t", "--target", "targets", multiple=True, type=click.Choice(TARGETS),
              help="Render only this target (repeatable); the others' files are left as they are.")
@force_option
@no_cache_option
@one_shot
def generate(input_: str | None, out: Path | None, check: bool, template: Path | None,
             targets: tuple[str, ...], force: bool, no_cache: bool) -> None:
    """Render the targets (Python package, OpenAPI, docs) of INPUT under the output directory."""
    from .bufgen.template import find_template
    from .config.settings import load_settings

    template = template or (None if targets else find_template(Path.cwd()))
    if template is not None:
        from .bufgen.command import run_template

        if out is not None or targets:
            raise ProtopactError("--out and --target do not apply to a template: its plugins say "
                                 "what goes where")
        run_template(template, input_, project=Path.cwd(), check=check, echo=click.echo,
                     load=lambda text: load(text, no_cache=no_cache, complete=True))
        return
    from .render.generate import generate as render_targets

    from .config.distribution import with_defaults

    loaded = load(input_ or ".", no_cache=no_cache, complete=True)
    settings, warnings = with_defaults(load_settings(Path.cwd()), Path.cwd(), loaded.workspace,
                                       loaded.image)
    render_targets(loaded.image, settings, out or settings.out, targets=targets, check=check,
                   force=force, echo=click.echo)
    for warning in warnings:
        click.echo(f"WARN: {warning}", err=True)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--out", type=click.Path(path_type=Path), default=Path("build/docs"),
              show_default=True, help="Output directory.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A directory of templates overriding the built-in ones (same relative paths).")
@force_option
@click.option("--serve", is_flag=True,
              help="Write nothing: serve the HTML docs of INPUT (a directory), rebuilt after every "
                   "edit and reloaded in the browser, until Ctrl-C.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve: the interface.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="With --serve: the port (0 picks a free one).")
@click.option("--token", envvar="PROTOPACT_DOCS_TOKEN",
              help="With --serve: the token a browser or client must hold (env "
                   "PROTOPACT_DOCS_TOKEN); default: a new one, printed in the address.")
@no_cache_option
@one_shot
def docs(input_: str, out: Path, templates: Path | None, force: bool, serve: bool, host: str,
         port: int, token: str | None, no_cache: bool) -> None:
    """Render the Markdown and HTML documentation (and docs.json) of INPUT."""
    from .config.settings import load_settings
    from .render.docs_site import render_docs
    from .render.writer import write_tree

    if serve:
        from .live.docs_server import serve_docs

        serve_docs(Path(input_), lambda: load(input_, no_cache=no_cache, complete=True).image,
                   templates=templates, host=host, port=port, token=token)
        return
    settings = load_settings(Path.cwd())
    loaded = load(input_, no_cache=no_cache, complete=True)
    files = render_docs(loaded.image, title=settings.name, description=settings.description,
                        templates=templates,
                        conventions=load_settings(loaded.workspace.root).conventions)
    changes = write_tree(out, files, force=force)
    info(f"{out.as_posix()}: {len(files)} files, {len(changes.written)} written, "
         f"{len(changes.removed)} removed")


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=50051, show_default=True,
              help="gRPC port (0 picks a free one).")
@click.option("--rest-port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port of the REST gateway in front of the mock.")
@click.option("--no-rest", is_flag=True, help="Serve gRPC only.")
@click.option("--token", envvar="PROTOPACT_MOCK_TOKEN",
              help="The bearer token to require (env PROTOPACT_MOCK_TOKEN); default: any non-empty.")
@click.option("--events-per-second", type=click.FloatRange(0.001, 100_000), default=10.0,
              show_default=True, help="Rate of every event stream.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of generated data: collections, server-filled ids, subscribers, PPIDs.")
@click.option("--stateless", is_flag=True,
              help="Answer example data only: creates store nothing, gets never miss.")
@click.option("--fail-every", type=click.IntRange(min=0), default=0,
              help="Fail every Nth API call (0: never), to test client retries.")
@click.option("--fail-code", default="RESOURCE_EXHAUSTED", show_default=True,
              help="The gRPC status of injected failures.")
@click.option("--stream-limit", type=click.IntRange(min=0), default=0, show_default=True,
              help="End each server stream (OK) after N messages (0: never), so that a client "
                   "or a test tool reading a stream to its end finishes.")
@click.option("--ack-timeout-scale", type=click.FloatRange(0.001, 1.0), default=1.0,
              show_default=True,
              help="Multiply ack timeouts (still validated as 10s-10min) to see redeliveries sooner.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help=_VALIDATE_HELP)
@no_cache_option
def mock(input_: str, host: str, port: int, rest_port: int, no_rest: bool, token: str | None,
         events_per_second: float, seed: int, stateless: bool, fail_every: int, fail_code: str,
         ack_timeout_scale: float, stream_limit: int, validate: bool, no_cache: bool) -> None:
    """Serve stored resources, example data and live event streams for every service of INPUT over
    gRPC and REST."""
    from .config.settings import load_settings
    from .mock.faults import status_code
    from .mock.server import MockSettings, run

    loaded = load(input_, no_cache=no_cache, complete=True)
    settings = MockSettings(token=token, events_per_second=events_per_second, seed=seed,
                            stateful=not stateless, fail_every=fail_every,
                            fail_code=status_code(fail_code),
                            ack_timeout_scale=ack_timeout_scale, validate=validate,
                            stream_limit=stream_limit,
                            conventions=dict(load_settings(loaded.workspace.root).conventions))
    run(loaded.image, settings, host=host, port=port,
        rest_port=None if no_rest else rest_port, announce=info)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--upstream", required=True, metavar="HOST:PORT", help="The gRPC server to call.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="HTTP port of the gateway.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=1 << 20, show_default=True,
              help="Larger request bodies answer 413.")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="Allow browsers from this origin (repeatable), e.g. for gRPC-Web clients.")
@click.option("--default-bindings/--no-default-bindings", default=True, show_default=True,
              help="Serve RPCs without google.api.http at POST /{package}.{Service}/{Method}.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help=_VALIDATE_HELP)
@no_cache_option
def gateway(input_: str, upstream: str, host: str, port: int, max_body_bytes: int,
            cors_origins: tuple[str, ...], default_bindings: bool, validate: bool,
            no_cache: bool) -> None:
    """Serve INPUT's REST/JSON bindings and gRPC-Web in front of the gRPC server at --upstream."""
    from .gateway.serve import serve

    serve(load(input_, no_cache=no_cache, complete=True).image, upstream=upstream, host=host, port=port,
          max_body_bytes=max_body_bytes, cors_origins=cors_origins,
          default_bindings=default_bindings, validate=validate, announce=info)



@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--against", required=True, help="The baseline: any INPUT form.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the changelog here instead of stdout.")
@click.option("--bump-from", metavar="X.Y.Z", help="Name the next version after this one.")
@click.option("--title", default="Changelog", show_default=True,
              help="The note's heading (a pull-request comment: 'Contract changes').")
@no_cache_option
@one_shot
def changelog(input_: str, against: str, output: Path | None, bump_from: str | None, title: str,
              no_cache: bool) -> None:
    """Write a Markdown release note of INPUT against a baseline: a summary, then breaking
    changes, removals, deprecations, additions and comment changes."""
    from .checks.breaking import REGISTRY
    from .checks.changelog import changelog as render_changelog

    current = load(input_, no_cache=no_cache, side="input", complete=True)
    previous = load(against, no_cache=no_cache, side="against", complete=True)
    text = render_changelog(current, previous, REGISTRY, label=_config_label(current),
                            bump_from=bump_from, title=title)
    if output is None:
        click.echo(text, nl=False)
    else:
        from .render.writer import write_file

        write_file(output, text.encode())


def main() -> None:
    try:
        status = cli.main(prog_name="protopact", standalone_mode=True)
    except SystemExit as exc:
        status = exc.code
    leave(status)
