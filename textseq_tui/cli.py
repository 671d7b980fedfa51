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
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from textseq_tui import cli_io
from textseq_tui.errors import BadInput, PluginError, TextseqError
from textseq_tui.host import Host
from textseq_tui.plugin import Plugin
from textseq_tui.score_tables import cell as _cell


class CliSession:
    """What one built ``textseq`` app runs on: the plugins whose Typer apps it mounted and
    the host its commands use, built on first use from the root options (``--home``,
    ``--device``; else ``$TEXTSEQ_HOME`` / settings), so nothing touches a home before a
    command needs it. The app carries it as the root Click context's ``obj``; there is no
    module state, and two apps (tests build many) never share one."""

    def __init__(self, records: list[Any] | None = None, host: Host | None = None) -> None:
        #: Discovered, not yet started plugins: the host built from the root options starts
        #: exactly these instances (their mounted commands read ``plugin.context``).
        self.records = records
        self.host = host
        self.home: Path | None = None
        self.device: str | None = None
        #: plugin name -> its record, for the sub-apps built on first use (TextseqGroup).
        self.lazy: dict[str, Any] = {}

    def get_host(self) -> Host:
        """The host, built on first use from the root options."""
        if self.host is None:
            self.host = Host(home=self.home, device=self.device, records=self.records)
        return self.host

    def choose(self, ctx: typer.Context, home: Path | None, device: str | None) -> None:
        """Take the root ``--home``/``--device`` of a command; refuse ones that differ from
        those of a host already built (its plugins' sub-apps are the mounted ones)."""
        wanted = home.expanduser() if home else None
        if self.host is None:
            self.home, self.device = wanted, device
            return
        from_command_line = getattr(ctx.get_parameter_source("home"), "name", "") == "COMMANDLINE"
        if (wanted and from_command_line and wanted.resolve() != self.host.home.resolve()) or (
                device and device != self.host.device):
            # Each plugin instance is started once: a second host cannot take them over.
            raise BadInput(f"this textseq was built for home {self.host.home} on device "
                           f"{self.host.device}; run it again with the --home/--device you want")


def session_of(ctx: typer.Context) -> CliSession:
    """The :class:`CliSession` of the running command."""
    session = ctx.find_object(CliSession)
    if session is None:  # pragma: no cover — every command runs under build_app's root
        raise TextseqError("this command runs only under the textseq app")
    return session


def host_of(ctx: typer.Context) -> Host:
    """The host of the running command (built on first use)."""
    return session_of(ctx).get_host()


class TextseqGroup(TyperGroup):
    """The root group: any TextseqError below it becomes one line on stderr and an exit code.

    Plugins' sub-apps are built when a command needs them (``CliSession.lazy``):
    ``textseq PLUGIN COMMAND`` builds that plugin's commands alone, and ``textseq --help``
    lists every plugin by its description without building any (Typer turning every
    plugin's signatures into Click commands was a third of ``--help``'s time)."""

    _listing = False

    def _lazy(self, ctx: Any) -> dict[str, Any]:
        session = ctx.find_root().obj
        return session.lazy if isinstance(session, CliSession) else {}

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return names + [n for n in self._lazy(ctx) if n not in self.commands]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        record = self._lazy(ctx).get(cmd_name) if found is None else None
        if record is None:
            return found
        if self._listing:  # the root's --help: a row with the plugin's description
            return TyperGroup(name=cmd_name, help=record.plugin.description)
        command = _plugin_command(record)
        self.add_command(command, cmd_name)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
        except TextseqError as err:
            cli_io.echo(f"error: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except sqlite3.DatabaseError as err:
            # A plugin reading the database directly hit a damaged file.
            from textseq_tui.store import store_error

            failure = store_error(host_of(ctx).home / "textseq.db", err)
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
        if cli_io.refused_lines(ctx):
            # A batch went on past refused lines; the exit status still says so.
            raise typer.Exit(1)
        return result


#: The ``--json`` option every data command takes.
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line on stdout.")]


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


def root(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option(
        "--home", envvar="TEXTSEQ_HOME",
        help="Where textseq keeps its database, models and caches (default: the user data dir).",
    )] = None,
    device: Annotated[str | None, typer.Option(
        "--device", help="auto | cpu | cuda | cuda:N (auto: CUDA when present).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines for every command.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="Print textseq's version and plugin API version.")] = False,
) -> None:
    """textseq alone opens the app; with a command, the host is started for it."""
    cli_io.start_command(ctx, as_json)
    session = session_of(ctx)
    session.choose(ctx, home, device)
    host = session.get_host()  # starts the plugins on the chosen home before their command runs
    if ctx.invoked_subcommand is not None:
        # A plugin that failed to start answers its command (and its --help) with why.
        problem = host.unavailable(ctx.invoked_subcommand)
        if problem:
            raise PluginError(problem)
        return
    from textseq_tui.app.main import TextseqApp

    tui = TextseqApp(host)
    tui.run()
    if tui.return_code:  # it ended on an unhandled error (Textual printed it)
        raise typer.Exit(tui.return_code)


def plugins_cmd(
    ctx: typer.Context,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks.")] = False,
) -> None:
    """List installed plugins: name, version, status (ok | error: reason), source."""
    host = host_of(ctx)
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


def scores_cmd(
    ctx: typer.Context,
    plugin: Annotated[str | None, typer.Argument(help="Only this plugin's scores.")] = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """Scores and leaderboards the plugins keep (games, typing sessions, training runs):
    one table per plugin, fitting the terminal; --json/--csv keep every field."""
    from textseq_tui.score_tables import print_score_tables

    host = host_of(ctx)
    plugins = [host.plugin(plugin)] if plugin else host.plugins
    tables = [(p.name, p.scores(p.context.store)) for p in plugins]
    if cli_io.want_json(as_json) or as_csv:
        rows = [{"plugin": name, **row} for name, found in tables for row in found]
        _print_rows(rows, as_json, as_csv, empty="no scores yet")
    else:
        print_score_tables(tables, empty="no scores yet")


def train_cmd(
    ctx: typer.Context,
    plugin: Annotated[str, typer.Argument(help="The plugin whose model to train.")],
) -> None:
    """Train a plugin's model: 'textseq train PLUGIN ARGS' runs 'textseq PLUGIN CMD ARGS',
    CMD being the plugin's train_command ('train' unless it says otherwise)."""
    host = host_of(ctx)
    target = host.plugin(plugin)
    found = _trainer(target)
    if found is None:
        able = [p.name for p in host.plugins if p is not target and _trainer(p)]
        raise BadInput(f"plugin {plugin!r} has no command that trains a model; "
                       + (f"plugins that train: {', '.join(able)}" if able
                          else "no plugin can train"))
    command, head = found
    # Its own chain of contexts (so its usage reads "textseq PLUGIN ..."), sharing this
    # invocation's state: the root --json and the count of refused lines.
    sub = command.make_context(f"textseq {plugin}", [*head, *ctx.args])
    sub.meta.update(ctx.meta)
    with sub:
        command.invoke(sub)


def build_app(host: Host | None = None, *, session: CliSession | None = None) -> typer.Typer:
    """The Typer app with the host's commands and every plugin's sub-app.

    Without ``host`` (the console script) the plugins are discovered but not started, and no
    home is touched: the host is built when a command first needs it, from the root
    ``--home``/``--device``, and it starts the very instances whose sub-apps are mounted here
    (their commands read ``plugin.context`` when they run). With ``host`` (tests), its started
    plugins are mounted. ``session`` lets a caller look at the host a command built.
    """
    session = session or CliSession()
    if host is not None:
        session.host = host
    if session.host is not None:
        records = session.host.records
    else:
        from textseq_tui.discovery import discover

        records = session.records = discover()
    app = typer.Typer(
        cls=TextseqGroup,
        name="textseq",
        help="textseq: a terminal word game and text assistant. Run with no command to open "
        "the app; every plugin adds a sub-command (textseq PLUGIN --help).",
        invoke_without_command=True,
        no_args_is_help=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"], "obj": session},
    )
    app.callback()(root)
    app.command("plugins")(plugins_cmd)
    app.add_typer(_models_app(), name="models")
    app.add_typer(_db_app(), name="db")
    app.command("scores")(scores_cmd)
    app.command("train", add_help_option=False,
                context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
                )(train_cmd)
    _mount_plugins(app, records, session)
    _one_line_listings(app)
    return app


def _mount_plugins(app: typer.Typer, records: list[Any], session: CliSession) -> None:
    """Each started plugin's Typer app as ``textseq NAME``, built on first use
    (``TextseqGroup``); a plugin that failed answers its one line."""
    for record in records:
        if record.plugin is None or record.error:
            _mount_unavailable(app, record.name, f"plugin {record.name!r} is not available: "
                                                 f"{record.error}")
        elif type(record.plugin).cli is not Plugin.cli \
                and record.plugin.name not in session.lazy:  # a second one of a name: the first
            session.lazy[record.plugin.name] = record


def _plugin_command(record: Any) -> Any:
    """The Click command of a plugin's Typer app; a broken or missing ``cli()`` gives a
    command that answers the problem in one line, never a traceback."""
    plugin = record.plugin
    try:
        sub = plugin.cli()
    except Exception as err:  # noqa: BLE001 — a broken plugin CLI must not break the rest
        sub, problem = None, f"plugin {plugin.name!r}: cli() failed: {type(err).__name__}: {err}"
    else:
        problem = f"plugin {plugin.name!r} has no commands"
    if sub is None:
        stand_in = typer.Typer()
        _mount_unavailable(stand_in, plugin.name, problem)
        return typer.main.get_command(stand_in)  # an app of one command is that command
    _one_line_listings(sub)
    command = typer.main.get_group(sub)  # as add_typer mounts it: a group, no completion
    command.name = plugin.name
    command.help = plugin.description
    return command


def _mount_unavailable(app: typer.Typer, name: str, problem: str) -> None:
    """``textseq NAME ...`` (``--help`` included) of a plugin that failed answers ``problem``
    in one line, instead of Click's "No such command"."""
    if any(info.name == name for info in app.registered_commands):
        return  # a second distribution using the name: the first one's command stays

    def unavailable() -> None:
        raise PluginError(problem)

    app.command(name, help=f"(unavailable) {problem}", add_help_option=False,
                context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
                )(unavailable)


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


def models_list_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every model in the user dir, extra dirs and the shipped defaults."""
    rows = [m.summary() for m in host_of(ctx).registry.list()]
    if cli_io.want_json(as_json):
        for row in rows:
            cli_io.emit(row, True)
        return
    compact = [{k: r[k] for k in ("name", "plugin", "kind", "version", "source")}
               | {"size": f"{r['size_bytes'] / 1e6:.1f} MB"} for r in rows]
    _print_rows(compact, False, False, empty="no models found")


def models_show_cmd(ctx: typer.Context, name: str, as_json: JsonOption = False) -> None:
    """A model's card: data, hyper-parameters, metrics, files and the rebuild command."""
    info = host_of(ctx).registry.get(name)
    card = {**info.card.to_dict(), "path": str(info.path), "source": info.source}
    if cli_io.want_json(as_json):
        cli_io.emit(card, True)
    else:
        cli_io.echo(json.dumps(card, indent=2))


def models_verify_cmd(ctx: typer.Context, name: Annotated[str | None, typer.Argument()] = None,
                      as_json: JsonOption = False) -> None:
    """Check every file's sha256 against its card (all models, or one)."""
    report = host_of(ctx).registry.verify(name)
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


def models_import_cmd(ctx: typer.Context, path: Path,
                      name: Annotated[str | None, typer.Option(help="Rename it.")] = None,
                      as_json: JsonOption = False) -> None:
    """Copy a model directory (card.json + files, verified) into your user dir."""
    info = host_of(ctx).registry.import_dir(path, name)
    cli_io.emit({"imported": info.name, "path": str(info.path)}, cli_io.want_json(as_json))


def models_export_cmd(ctx: typer.Context, name: str, path: Path,
                      as_json: JsonOption = False) -> None:
    """Copy a model directory to PATH (a new directory)."""
    dest = host_of(ctx).registry.export(name, path)
    cli_io.emit({"exported": name, "path": str(dest)}, cli_io.want_json(as_json))


def models_rm_cmd(ctx: typer.Context, name: str, as_json: JsonOption = False) -> None:
    """Remove a model from your user dir (shipped models cannot be removed)."""
    path = host_of(ctx).registry.remove(name)
    cli_io.emit({"removed": name, "path": str(path)}, cli_io.want_json(as_json))


def _models_app() -> typer.Typer:
    return cli_io.command_group("List, inspect, verify, import, export and remove models.", {
        "list": models_list_cmd, "show": models_show_cmd, "verify": models_verify_cmd,
        "import": models_import_cmd, "export": models_export_cmd, "rm": models_rm_cmd})


def db_path_cmd(ctx: typer.Context) -> None:
    """Print the database file's path."""
    typer.echo(str(host_of(ctx).home / "textseq.db"))


def db_check_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Run SQLite's integrity check; never modifies or deletes anything."""
    host = host_of(ctx)
    problems = host.store.check()
    cli_io.emit({"path": str(host.store.path), "ok": not problems, "problems": problems},
                cli_io.want_json(as_json),
                text="ok" if not problems else "\n".join(problems))
    if problems:
        raise typer.Exit(1)


def _db_app() -> typer.Typer:
    return cli_io.command_group("The SQLite database: where it is, and a health check.",
                                {"path": db_path_cmd, "check": db_check_cmd})


def main() -> None:
    """Console entry point."""
    try:
        app = build_app()
    except TextseqError as err:
        sys.stderr.write(f"error: {err}\n")
        sys.exit(err.exit_code)
    app()
