"""The ``protopact`` command line: one click group, one function per verb.

Verbs parse options, load inputs through :mod:`protopact.compile` and hand over to the layer that does
the work. A :class:`ProtopactError` becomes its message on stderr and exit code 1; findings exit 100.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .compile.cache import Cache, default_cache_dir
from .compile.inputs import Input, load_input
from .errors import ProtopactError

FINDINGS_EXIT = 100


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProtopactError as exc:
            click.echo(exc.message, err=True)
            ctx.exit(1)


def _cache(no_cache: bool) -> Cache:
    return Cache(None if no_cache else default_cache_dir())


def load(text: str, *, no_cache: bool = False, side: str | None = None) -> Input:
    """Load an INPUT; ``side`` names it in errors when a command reads two inputs."""
    try:
        return load_input(text, cwd=Path.cwd(), cache=_cache(no_cache))
    except ProtopactError as exc:
        raise (exc.prefixed(side) if side else exc) from None


no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Compile without reading or writing the image cache."
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="protopact")
def cli() -> None:
    """protopact: build, lint, check and publish a Protocol Buffers contract."""


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the image here: JSON when the name ends in .json, binary otherwise.")
@click.option("--exclude-imports", is_flag=True, help="Leave imported files out of the image.")
@click.option("--path", "paths", multiple=True, help="Limit targets to files under this path.")
@click.option("--exclude-path", "exclude_paths", multiple=True, help="Leave out files under this path.")
@no_cache_option
def build(input_: str, output: Path | None, exclude_imports: bool, paths: tuple[str, ...],
          exclude_paths: tuple[str, ...], no_cache: bool) -> None:
    """Compile INPUT into an image (a FileDescriptorSet that buf also reads).

    INPUT is a directory (default "."), an image file, git:REF, PATH.git#branch=B,subdir=D,
    pkg:NAME or a wheel of a generated package.
    """
    loaded = load(input_, no_cache=no_cache)
    if paths or exclude_paths:
        loaded = loaded.restricted(paths, exclude_paths)
    image = loaded.image.without_imports() if exclude_imports else loaded.image
    if output is None:
        return
    data = image.to_json().encode() if output.suffix == ".json" else image.to_binary()
    _write_atomically(output, data)


error_format_option = click.option(
    "--error-format", default="text", show_default=True,
    type=click.Choice(["text", "json", "msvs", "junit", "github-actions", "gitlab-code-quality",
                       "sarif", "markdown"]),
    help="How findings are printed: buf's formats plus sarif and markdown.")
path_options = [
    click.option("--path", "paths", multiple=True, help="Limit to files under this path."),
    click.option("--exclude-path", "exclude_paths", multiple=True, help="Leave out files under this path."),
]


def _with_paths(func: Any) -> Any:
    for option in reversed(path_options):
        func = option(func)
    return func


def _print_outcome(outcome: Any, error_format: str) -> None:
    from .checks.formats import FORMATS

    for warning in outcome.warnings:
        click.echo(f"WARN: {warning}", err=True)
    click.echo(FORMATS[error_format](outcome.findings), nl=False)
    if outcome.findings:
        sys.exit(FINDINGS_EXIT)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@error_format_option
@_with_paths
@no_cache_option
def lint(input_: str, error_format: str, paths: tuple[str, ...], exclude_paths: tuple[str, ...],
         no_cache: bool) -> None:
    """Lint INPUT with buf's rules and the contract conventions, configured by buf.yaml.

    Exit code 100 when anything is found.
    """
    from .checks.engine import run_lint
    from .checks.lint import REGISTRY

    loaded = load(input_, no_cache=no_cache)
    if paths or exclude_paths:
        loaded = loaded.restricted(paths, exclude_paths)
    _print_outcome(run_lint(loaded, REGISTRY, label=_config_label(loaded)), error_format)


@cli.command()
@click.argument("input_", metavar="INPUT", default=".")
@click.option("--against", required=True, help="The baseline: any INPUT form.")
@error_format_option
@_with_paths
@click.option("--exclude-imports", is_flag=True, help="Do not check imported files.")
@click.option("--limit-to-input-files", is_flag=True,
              help="Check only the baseline files that INPUT's targets also have.")
@no_cache_option
def breaking(input_: str, against: str, error_format: str, paths: tuple[str, ...],
             exclude_paths: tuple[str, ...], exclude_imports: bool, limit_to_input_files: bool,
             no_cache: bool) -> None:
    """Check INPUT for breaking changes against a baseline, configured by buf.yaml.

    Exit code 100 when anything is found.
    """
    from .checks.breaking import REGISTRY
    from .checks.engine import run_breaking

    current = load(input_, no_cache=no_cache, side="input")
    previous = load(against, no_cache=no_cache, side="against")
    if paths or exclude_paths:
        current = current.restricted(paths, exclude_paths)
        previous = previous.restricted(paths, exclude_paths)
    outcome = run_breaking(current, previous, REGISTRY, label=_config_label(current),
                           exclude_imports=exclude_imports,
                           limit_to_input_files=limit_to_input_files)
    _print_outcome(outcome, error_format)


def _config_label(loaded: Input) -> str:
    config = loaded.workspace.config_file
    return config.name if config else "buf.yaml"


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


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProtopactError(f"{path}: cannot write: {exc.strerror}") from None


def main() -> None:
    sys.exit(cli.main(prog_name="protopact", standalone_mode=True))
