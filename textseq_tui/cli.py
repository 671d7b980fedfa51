"""The ``textseq`` command line (Typer).

``textseq`` alone opens the app. Every plugin's Typer sub-app is mounted as
``textseq <plugin> ...``. Heavy libraries are never imported here: ``textseq --help`` stays
fast (a test checks torch, gensim and sklearn are not imported by it).
"""

from __future__ import annotations

import csv
import inspect
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from textseq_tui import cli_io
from textseq_tui.errors import BadInput, PluginError, TextseqError
from textseq_tui.host import Host

_HOST: Host | None = None
#: Discovered, not yet started plugins whose Typer apps ``build_app`` mounted; the host built
#: from the root options (``--home``, ``--device``) starts exactly these instances.
_RECORDS: list[Any] | None = None
#: The root options of the command being run: ``(home, device)``.
_OPTIONS: tuple[Path | None, str | None] = (None, None)


def get_host() -> Host:
    """The process's host, built on first use from the root options (``--home``,
    ``--device``), else ``$TEXTSEQ_HOME`` / settings. Nothing touches a home before this."""
    global _HOST
    if _HOST is None:
        home, device = _OPTIONS
        _HOST = Host(home=home, device=device, records=_RECORDS)
    return _HOST


def set_host(host: Host | None) -> None:
    """Replace the process's host (tests use this); ``None`` forgets it and the options."""
    global _HOST, _RECORDS, _OPTIONS
    _HOST = host
    if host is None:
        _RECORDS, _OPTIONS = None, (None, None)


class TextseqGroup(TyperGroup):
    """The root group: any TextseqError below it becomes one line on stderr and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
        except TextseqError as err:
            cli_io.echo(f"error: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except sqlite3.DatabaseError as err:
            # A plugin reading the database directly hit a damaged file.
            from textseq_tui.store import store_error

            failure = store_error(get_host().home / "textseq.db", err)
            cli_io.echo(f"error: {failure}", err=True)
            raise typer.Exit(failure.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise  # stdout closed by the reader (| head): not ours to report
        except OSError as err:
            # A file in the home (a cache, a model, a checkpoint) could not be written: a
            # full disk and a read-only home each get their own line.
            from textseq_tui.errors import os_error

            failure = os_error(err)
            cli_io.echo(f"error: {failure}", err=True)
            raise typer.Exit(failure.exit_code) from None
        if cli_io.refused_lines():
            # A batch went on past refused lines; the exit status still says so.
            raise typer.Exit(1)
        return result


def _json_opt() -> Any:
    return typer.Option(False, "--json", help="One JSON object per line on stdout.")


def _print_version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    from textseq_tui.plugin import API_VERSION

    try:
        ours = version("textseq")
    except PackageNotFoundError:  # pragma: no cover — running from a source tree
        ours = "unknown"
    typer.echo(f"textseq {ours} (plugin API {API_VERSION})")
    raise typer.Exit()


def build_app(host: Host | None = None) -> typer.Typer:
    """The Typer app with the host's commands and every plugin's sub-app.

    Without ``host`` (the console script) the plugins are discovered but not started, and no
    home is touched: the host is built when a command first needs it, from the root
    ``--home``/``--device``, and it starts the very instances whose sub-apps are mounted here
    (their commands read ``plugin.context`` when they run). With ``host`` (tests), its started
    plugins are mounted.
    """
    global _RECORDS
    if host is not None:
        set_host(host)
        records = host.records
    elif _HOST is not None:
        records = _HOST.records
    else:
        from textseq_tui.discovery import discover

        records = _RECORDS = discover()
    app = typer.Typer(
        cls=TextseqGroup,
        name="textseq",
        help="textseq: a terminal word game and text assistant. Run with no command to open "
        "the app; every plugin adds a sub-command (textseq PLUGIN --help).",
        invoke_without_command=True,
        no_args_is_help=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        ctx: typer.Context,
        home: Path | None = typer.Option(
            None, "--home", envvar="TEXTSEQ_HOME",
            help="Where textseq keeps its database, models and caches "
            "(default: the user data dir).",
        ),
        device: str | None = typer.Option(
            None, "--device", help="auto | cpu | cuda | cuda:N (auto: CUDA when present)."
        ),
        as_json: bool = typer.Option(False, "--json", help="JSON lines for every command."),
        version: bool = typer.Option(False, "--version", is_eager=True,
                                     callback=_print_version,
                                     help="Print textseq's version and plugin API version."),
    ) -> None:
        global _OPTIONS
        cli_io.start_command(as_json)
        wanted = home.expanduser() if home else None
        if _HOST is None:
            _OPTIONS = (wanted, device)
        elif (wanted and wanted.resolve() != _HOST.home.resolve()
              and getattr(ctx.get_parameter_source("home"), "name", "") == "COMMANDLINE") or (
                device and device != _HOST.device):
            # The mounted sub-apps belong to this host's plugins: a second host cannot
            # take them over (each plugin instance is started once).
            raise BadInput(f"this textseq was built for home {_HOST.home} on device "
                           f"{_HOST.device}; run it again with the --home/--device you want")
        if ctx.invoked_subcommand is not None:
            # Starts the plugins on the chosen home before their command runs; a plugin that
            # failed to start answers its command (and its --help) with why.
            problem = get_host().unavailable(ctx.invoked_subcommand)
            if problem:
                raise PluginError(problem)
        if ctx.invoked_subcommand is None:
            from textseq_tui.app.main import TextseqApp

            tui = TextseqApp(get_host())
            tui.run()
            if tui.return_code:  # it ended on an unhandled error (Textual printed it)
                raise typer.Exit(tui.return_code)

    @app.command("plugins")
    def plugins_cmd(
        as_json: bool = _json_opt(),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks."),
    ) -> None:
        """List installed plugins: name, version, status (ok | error: reason), source."""
        host = get_host()
        host.completion_providers()  # notes a provider of the deprecated first protocol
        if cli_io.want_json(as_json):
            for record in host.records:
                cli_io.emit(record.row(), True)
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("plugin", "version", "status", "source", "description")
        for record in host.records:
            row = record.row()
            style = "green" if record.ok else "red"
            safe = {k: cli_io.escape_markup(v) for k, v in row.items()}
            table.add_row(safe["name"], safe["version"], f"[{style}]{safe['status']}[/]",
                          safe["source"], safe["description"])
        console = Console()
        console.print(table)
        for record in host.records:
            for notice in record.deprecations:
                console.print(f"[yellow]{record.name}: deprecated: {notice}[/]", markup=True,
                              highlight=False, soft_wrap=True)
        if verbose:
            for record in host.records:
                if record.detail:
                    console.print(f"[bold]{cli_io.escape_markup(record.name)}[/]\n"
                                  f"{cli_io.escape_markup(record.detail)}")

    app.add_typer(_models_app(), name="models")
    app.add_typer(_db_app(), name="db")

    @app.command("scores")
    def scores_cmd(
        plugin: str | None = typer.Argument(None, help="Only this plugin's scores."),
        as_json: bool = _json_opt(),
        as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout."),
    ) -> None:
        """Scores and leaderboards the plugins keep (games, typing sessions, training runs)."""
        host = get_host()
        plugins = [host.plugin(plugin)] if plugin else host.plugins
        rows: list[dict[str, Any]] = []
        for p in plugins:
            for row in p.scores(p.context.store):
                rows.append({"plugin": p.name, **row})
        _print_rows(rows, as_json, as_csv, empty="no scores yet")

    @app.command(
        "train",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )
    def train_cmd(
        ctx: typer.Context,
        plugin: str = typer.Argument(..., help="The plugin whose model to train."),
    ) -> None:
        """Train a plugin's model: 'textseq train PLUGIN ARGS' runs 'textseq PLUGIN CMD ARGS',
        CMD being the plugin's train_command ('train' unless it says otherwise)."""
        host = get_host()
        target = host.plugin(plugin)
        found = _trainer(target)
        if found is None:
            able = [p.name for p in host.plugins if p is not target and _trainer(p)]
            raise BadInput(f"plugin {plugin!r} has no command that trains a model; "
                           + (f"plugins that train: {', '.join(able)}" if able
                              else "no plugin can train"))
        command, head = found
        command.main([*head, *ctx.args], prog_name=f"textseq {plugin}",
                     standalone_mode=False)

    for record in records:
        plugin = record.plugin
        if plugin is None or record.error:
            _mount_unavailable(app, record.name, f"plugin {record.name!r} is not available: "
                                                 f"{record.error}")
            continue
        try:
            sub = plugin.cli()
        except Exception as err:  # noqa: BLE001 — a broken plugin CLI must not break the rest
            _mount_unavailable(app, record.name, f"plugin {record.name!r}: cli() failed: "
                                                 f"{type(err).__name__}: {err}")
            continue
        if sub is not None:
            app.add_typer(sub, name=plugin.name, help=plugin.description)
    _one_line_listings(app)
    return app


def _mount_unavailable(app: typer.Typer, name: str, problem: str) -> None:
    """``textseq NAME ...`` (``--help`` included) of a plugin that failed answers ``problem``
    in one line, instead of Click's "No such command"."""
    if any(info.name == name for info in app.registered_commands):
        return  # a second distribution using the name: the first one's command stays

    @app.command(name, help=f"(unavailable) {problem}", add_help_option=False,
                 context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def unavailable() -> None:
        raise PluginError(problem)


def _one_line_listings(app: typer.Typer) -> None:
    """A group's ``--help`` lists each command by its help's first paragraph; Typer keeps the
    docstring's line breaks there, which splits the row mid-sentence. Each command without a
    ``short_help`` gets that paragraph on one line (its own ``--help`` is unchanged)."""
    for info in app.registered_commands:
        if info.short_help is None:
            text = info.help or inspect.getdoc(info.callback) or ""
            first = text.split("\n\n")[0]
            info.short_help = " ".join(first.split()) or None
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _one_line_listings(group.typer_instance)


def _trainer(plugin: Any) -> tuple[Any, list[str]] | None:
    """(the plugin's Click command, the arguments that select its training command), or
    None if it has none."""
    name = getattr(plugin, "train_command", "train")
    if not name:
        return None
    try:
        sub = plugin.cli()
    except Exception:  # noqa: BLE001 — a broken plugin CLI cannot train, nothing more
        return None
    if sub is None:
        return None
    command = typer.main.get_command(sub)
    if name in getattr(command, "commands", {}):
        return command, [name]
    if not hasattr(command, "commands") and command.name == name:
        return command, []  # a Typer app of one command is that command
    return None


def _print_rows(rows: list[dict[str, Any]], as_json: bool, as_csv: bool, empty: str) -> None:
    if cli_io.want_json(as_json):
        for row in rows:
            cli_io.emit(row, True)
        return
    if as_csv:
        keys: list[str] = []
        for row in rows:
            keys += [k for k in row if k not in keys]
        writer = csv.DictWriter(sys.stdout, fieldnames=keys)
        writer.writeheader()
        # no terminal control from stored text reaches stdout (shown as \xNN)
        writer.writerows({k: cli_io.shown(v) if isinstance(v, str) else v
                          for k, v in row.items()} for row in rows)
        return
    if not rows:
        typer.echo(empty)
        return
    from rich.console import Console
    from rich.table import Table

    keys = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    table = Table(*keys)
    for row in rows:
        table.add_row(*[_cell(row.get(k)) for k in keys])
    Console().print(table)


def _cell(value: Any) -> str:
    """A table cell: numbers short, user text escaped (Rich reads cells as markup)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        return cli_io.escape_markup(json.dumps(value))
    return "" if value is None else cli_io.escape_markup(value)


def _models_app() -> typer.Typer:
    models = typer.Typer(help="List, inspect, verify, import, export and remove models.",
                         no_args_is_help=True)

    @models.command("list")
    def list_cmd(as_json: bool = _json_opt()) -> None:
        """Every model in the user dir, extra dirs and the shipped defaults."""
        rows = [m.summary() for m in get_host().registry.list()]
        if cli_io.want_json(as_json):
            for row in rows:
                cli_io.emit(row, True)
            return
        compact = [{k: r[k] for k in ("name", "plugin", "kind", "version", "source")}
                   | {"size": f"{r['size_bytes'] / 1e6:.1f} MB"} for r in rows]
        _print_rows(compact, False, False, empty="no models found")

    @models.command("show")
    def show_cmd(name: str, as_json: bool = _json_opt()) -> None:
        """A model's card: data, hyper-parameters, metrics, files and the rebuild command."""
        info = get_host().registry.get(name)
        card = {**info.card.to_dict(), "path": str(info.path), "source": info.source}
        if cli_io.want_json(as_json):
            cli_io.emit(card, True)
        else:
            cli_io.echo(json.dumps(card, indent=2))

    @models.command("verify")
    def verify_cmd(name: str | None = typer.Argument(None), as_json: bool = _json_opt()) -> None:
        """Check every file's sha256 against its card (all models, or one)."""
        report = get_host().registry.verify(name)
        bad = 0
        for path, problems in report.items():
            bad += bool(problems)
            if cli_io.want_json(as_json):
                cli_io.emit({"path": path, "ok": not problems, "problems": problems}, True)
            else:
                cli_io.echo(f"{'ok  ' if not problems else 'FAIL'} {path}")
                for problem in problems:
                    cli_io.echo(f"     {problem}")
        if bad:
            raise typer.Exit(1)

    @models.command("import")
    def import_cmd(path: Path, name: str | None = typer.Option(None, help="Rename it."),
                   as_json: bool = _json_opt()) -> None:
        """Copy a model directory (card.json + files, verified) into your user dir."""
        info = get_host().registry.import_dir(path, name)
        cli_io.emit({"imported": info.name, "path": str(info.path)}, cli_io.want_json(as_json))

    @models.command("export")
    def export_cmd(name: str, path: Path, as_json: bool = _json_opt()) -> None:
        """Copy a model directory to PATH (a new directory)."""
        dest = get_host().registry.export(name, path)
        cli_io.emit({"exported": name, "path": str(dest)}, cli_io.want_json(as_json))

    @models.command("rm")
    def rm_cmd(name: str, as_json: bool = _json_opt()) -> None:
        """Remove a model from your user dir (shipped models cannot be removed)."""
        path = get_host().registry.remove(name)
        cli_io.emit({"removed": name, "path": str(path)}, cli_io.want_json(as_json))

    return models


def _db_app() -> typer.Typer:
    db = typer.Typer(help="The SQLite database: where it is, and a health check.",
                     no_args_is_help=True)

    @db.command("path")
    def path_cmd() -> None:
        """Print the database file's path."""
        typer.echo(str(get_host().home / "textseq.db"))

    @db.command("check")
    def check_cmd(as_json: bool = _json_opt()) -> None:
        """Run SQLite's integrity check; never modifies or deletes anything."""
        host = get_host()
        problems = host.store.check()
        cli_io.emit({"path": str(host.store.path), "ok": not problems, "problems": problems},
                    cli_io.want_json(as_json),
                    text="ok" if not problems else "\n".join(problems))
        if problems:
            raise typer.Exit(1)

    return db


def main() -> None:
    """Console entry point."""
    try:
        app = build_app()
    except TextseqError as err:
        sys.stderr.write(f"error: {err}\n")
        sys.exit(err.exit_code)
    app()
