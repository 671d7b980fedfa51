"""textseq-hello: the smallest useful textseq plugin, to copy when writing your own.

It shows every piece a plugin usually needs: a slash command, a Typer sub-app, a migration
set for its own table, a score in the shared log and a leaderboard for ``textseq scores``.
"""

from __future__ import annotations

from typing import Any

from textseq_tui.plugin import BadInput, CommandResult, Plugin, PluginContext, SlashCommand


def m001_greetings(db: Any) -> None:
    db["hello_greetings"].create({"id": int, "name": str}, pk="id")


class HelloPlugin(Plugin):
    name = "hello"
    title = "Hello"
    description = "Greets people and counts the greetings (a plugin template)."

    def greet(self, who: str) -> str:
        who = who.strip()
        if not who:
            raise BadInput("whom should I greet? Try: /hello Ada")
        store = self.context.store
        store.insert("greetings", {"name": who})
        count = len(store.rows("greetings"))
        store.record_score("greetings", count)
        return f"Hello, {who}! ({count} greetings so far)"

    def _command(self, args: str, ctx: PluginContext) -> CommandResult:
        text = self.greet(args)
        return CommandResult(text=text, data={"greeted": args.strip()})

    def slash_commands(self) -> list[SlashCommand]:
        return [SlashCommand("hello", "greet someone", self._command, usage="/hello NAME")]

    def migrations(self) -> Any:
        # sqlite-utils imports numpy: import it here, not at module scope, so that
        # `textseq --help` stays fast.
        from sqlite_utils.migrations import Migrations

        migrations = Migrations("hello")
        migrations()(m001_greetings)
        return migrations

    def scores(self, store: Any) -> list[dict[str, Any]]:
        return [{"greetings": len(store.rows("greetings"))}]

    def cli(self) -> Any:
        import typer

        app = typer.Typer(help="Greet people.", no_args_is_help=True)

        @app.command()
        def greet(name: str) -> None:
            """Greet NAME and count it."""
            typer.echo(self.greet(name))

        return app


plugin = HelloPlugin()
