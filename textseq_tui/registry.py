"""The model registry: model directories with a JSON card, found in several sources.

A model is a directory ``<name>/`` holding ``card.json`` and its files (safetensors weights,
JSON vocabularies, ...). Nothing in it is executable: tensors load through safetensors or
``torch.load(weights_only=True)``, and every file's sha256 is checked against the card
before a loader sees it.

Sources, first match wins: the user's model dir (``$TEXTSEQ_HOME/models``), extra dirs from
the settings, then the defaults shipped in the repository's ``models/``.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from textseq_tui.errors import BadInput, ModelError, ModelNotFound
from textseq_tui.files import sha256_file
from textseq_tui.model_dir import new_staging, sweep_staging, write_model_dir

CARD_FILE = "card.json"

#: card field -> accepted Python types. A card missing one, or with the wrong type, is refused.
CARD_FIELDS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "plugin": (str,),
    "kind": (str,),
    "version": (str, int),
    "created": (str,),
    "device": (str,),
    "data": (str, list, dict),
    "hyperparameters": (dict,),
    "metrics": (dict,),
    "files": (dict,),
}


@dataclass
class ModelCard:
    """The card of a model directory (``card.json``).

    ``files`` maps each file name in the directory to its sha256 hex digest; ``rebuild`` is
    the command that retrains the model from its data.
    """

    name: str
    plugin: str
    kind: str
    version: str
    created: str
    device: str
    data: Any
    hyperparameters: dict[str, Any]
    metrics: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    description: str = ""
    rebuild: str = ""

    @classmethod
    def from_dict(cls, raw: Any, source: str = "card") -> ModelCard:
        """Validate a parsed card; a missing or mistyped field is named in the error."""
        if not isinstance(raw, dict):
            raise ModelError(f"{source}: the card must be a JSON object")
        for key, types in CARD_FIELDS.items():
            if key not in raw:
                raise ModelError(f"{source}: the card has no {key!r} field")
            if not isinstance(raw[key], types) or isinstance(raw[key], bool):
                wanted = " or ".join(t.__name__ for t in types)
                raise ModelError(
                    f"{source}: card field {key!r} must be {wanted}, "
                    f"not {type(raw[key]).__name__}"
                )
        for fname, digest in raw["files"].items():
            if not isinstance(digest, str) or len(digest) != 64:
                raise ModelError(f"{source}: card entry for file {fname!r} is not a sha256")
            problem = name_problem(fname)
            if problem:
                raise ModelError(f"{source}: card names a file {fname!r} that {problem}")
        known = {f for f in cls.__dataclass_fields__}
        kwargs = {k: v for k, v in raw.items() if k in known}
        kwargs["version"] = str(kwargs["version"])
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ModelInfo:
    """A model found in a source: its card, its directory and the source's label."""

    card: ModelCard
    path: Path
    source: str

    @property
    def name(self) -> str:
        return self.card.name

    def summary(self) -> dict[str, Any]:
        """A JSON-able row for ``textseq models list``."""
        size = sum((self.path / f).stat().st_size for f in self.card.files if (self.path / f).exists())
        return {
            "name": self.card.name,
            "plugin": self.card.plugin,
            "kind": self.card.kind,
            "version": self.card.version,
            "source": self.source,
            "path": str(self.path),
            "size_bytes": size,
            "metrics": self.card.metrics,
        }


def read_card(model_dir: Path) -> ModelCard:
    """Read and validate ``model_dir/card.json``."""
    card_path = model_dir / CARD_FILE
    if card_path.is_symlink() and card_path in _outside(model_dir):
        raise ModelError(_outside(model_dir)[card_path])
    if card_path.exists() and not card_path.is_file():
        raise ModelError(f"{card_path} is not a regular file")
    try:
        raw = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{model_dir} is not a model directory: it has no {CARD_FILE}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(f"{card_path} is not valid JSON: {err}") from None
    return ModelCard.from_dict(raw, source=str(card_path))


def verify_dir(model_dir: Path, card: ModelCard | None = None) -> list[str]:
    """Problems with a model directory (empty list = healthy), each naming the file."""
    try:
        card = card or read_card(model_dir)
    except ModelError as err:
        return [str(err)]
    outside = _outside(model_dir)
    problems = list(outside.values())
    for fname, expected in card.files.items():
        path = model_dir / fname
        try:
            exists = path.is_file()
        except OSError as err:  # e.g. a name longer than the file system allows
            problems.append(f"{path}: {err.strerror or err}")
            continue
        if path in outside:
            continue  # refused above: never read what a link out of the folder leads to
        if not exists:
            problems.append(f"{path}: not a regular file" if path.exists() or path.is_symlink()
                            else f"{path}: missing")
        elif path.stat().st_size == 0:
            problems.append(f"{path}: empty (zero bytes)")
        elif sha256_file(path) != expected:
            problems.append(f"{path}: sha256 does not match the card (truncated or modified)")
    return problems


def _outside(model_dir: Path, recursive: bool = False) -> dict[Path, str]:
    """Entries of ``model_dir`` that resolve outside it (links out of the folder): entry ->
    the reason, one line.

    Loading, verifying and exporting read what the folder's names lead to: a link to a file
    elsewhere on the disk would hand that file's content to a loader or into an export.
    """
    try:
        root = model_dir.resolve(strict=True)
        entries = list(model_dir.rglob("*") if recursive else model_dir.iterdir())
    except OSError as err:
        return {model_dir: f"{model_dir}: {err.strerror or err}"}
    problems = {}
    for entry in sorted(entries):
        try:
            target = entry.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link or a link loop
            if entry.is_symlink():
                problems[entry] = f"{entry}: a symbolic link that leads nowhere; remove it"
            continue
        if target != root and root not in target.parents:
            problems[entry] = (f"{entry}: resolves outside the model folder (to {target}); "
                               "replace the link with the file itself")
    return problems


def _plain_problem(st: os.stat_result) -> str | None:
    """Why a file (its ``lstat``) cannot be imported: links and special files are refused."""
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not stat.S_ISREG(st.st_mode):
        kind = "directory" if stat.S_ISDIR(st.st_mode) else "special file"
        return f"is a {kind}, not a regular file"
    if st.st_nlink > 1:
        return f"has {st.st_nlink} hard links (a hard link shares its content with a file " \
               "elsewhere)"
    return None


def _open_plain(path: Path) -> Any:
    """Open ``path`` for reading if it is a regular file with one link, following no link.

    The checks are made on the open descriptor too (same inode, still plain), so a file
    swapped for a link between the check and the read is refused as well. Raises BadInput
    with the reason; FileNotFoundError when it does not exist.
    """
    hint = "; copy the real file into the folder and try again"
    st = os.lstat(path)
    problem = _plain_problem(st)
    if problem:
        raise BadInput(f"refusing to import: {path} {problem}{hint}")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | \
        getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise BadInput(f"refusing to import: {path} cannot be opened safely "
                       f"({err.strerror or err}){hint}") from None
    opened = os.fstat(fd)
    problem = _plain_problem(opened)
    if problem or (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
        os.close(fd)
        raise BadInput(f"refusing to import: {path} {problem or 'changed while being read'}"
                       f"{hint}")
    return os.fdopen(fd, "rb")


Loader = Callable[[Path, str], Any]


class ModelRegistry:
    """Finds, verifies, loads (once, cached, thread-safe), saves and removes models.

    Args:
        user_dir: where trained and imported models go (writable).
        extra_dirs: further read-only sources from the settings.
        shipped_dir: the defaults shipped with textseq.
        device: device preference for :meth:`load` ("auto", "cpu", "cuda", "cuda:N").
    """

    def __init__(
        self,
        user_dir: Path,
        extra_dirs: Iterable[Path] = (),
        shipped_dir: Path | None = None,
        device: str = "auto",
    ) -> None:
        self.user_dir = Path(user_dir)
        self.sources: list[tuple[str, Path]] = [("user", self.user_dir)]
        self.sources += [(f"extra:{d}", Path(d)) for d in extra_dirs]
        if shipped_dir is not None:
            self.sources.append(("shipped", Path(shipped_dir)))
        self.device = device
        self._loaders: dict[str, Loader] = {}
        self._defaults: dict[str, str] = {}
        self._device_free: set[str] = set()
        self._cache: dict[tuple[str, str], Any] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    # -- kinds ---------------------------------------------------------------------------

    def register_kind(
        self, kind: str, loader: Loader, default: str | None = None, uses_device: bool = True
    ) -> None:
        """Teach the registry how to load models whose card says ``kind``.

        ``uses_device=False``: the loader always gets "cpu" and no device is chosen (choosing
        one imports torch).
        """
        self._loaders[kind] = loader
        if not uses_device:
            self._device_free.add(kind)
        if default:
            self._defaults[kind] = default

    def default_name(self, kind: str) -> str | None:
        """The model name a plugin declared as default for ``kind``."""
        return self._defaults.get(kind)

    def load_default(self, kind: str, device: str | None = None) -> Any:
        """Load the default model of ``kind`` (``ModelSpec.default``); ModelError if none."""
        name = self.default_name(kind)
        if name is None:
            raise ModelError(f"no default model is declared for kind {kind!r}; "
                             "name one (textseq models list)")
        return self.load(name, device, kind=kind)

    def add_source(self, path: Path, label: str = "shipped") -> None:
        """Add a read-only folder of model directories (a plugin's shipped models), searched
        after the user's and the settings' folders; a folder already known is skipped."""
        path = Path(path)
        known = {root.resolve() for _, root in self.sources}
        if path.resolve() not in known:
            self.sources.append((label, path))

    # -- finding -------------------------------------------------------------------------

    def list(self) -> list[ModelInfo]:
        """Every model in every source; a user model hides a shipped one of the same name.

        Staging folders that a killed import or save left in the user dir are removed first
        (only textseq's own, marked ones whose writer is gone: see ``model_dir``)."""
        sweep_staging(self.user_dir)
        seen: dict[str, ModelInfo] = {}
        for label, root in self.sources:
            if not root.is_dir():
                continue
            for model_dir in sorted(p for p in root.iterdir() if p.is_dir()):
                if model_dir.name.startswith(".") or not (model_dir / CARD_FILE).exists():
                    continue
                try:
                    card = read_card(model_dir)
                except ModelError:
                    continue  # shown by `models verify`; one bad card must not hide the rest
                seen.setdefault(card.name, ModelInfo(card, model_dir, label))
        return sorted(seen.values(), key=lambda m: m.name)

    def get(self, name: str) -> ModelInfo:
        """The model called ``name``; ModelNotFound lists the known ones."""
        models = {m.name: m for m in self.list()}
        if name in models:
            return models[name]
        close = difflib.get_close_matches(name, list(models), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        known = ", ".join(models) or "none"
        raise ModelNotFound(f"no model named {name!r}.{hint} Known models: {known}.")

    def verify(self, name: str | None = None) -> dict[str, list[str]]:
        """Problems per model directory (all sources when ``name`` is None, bad cards too)."""
        if name is not None:
            info = self.get(name)
            return {str(info.path): verify_dir(info.path, info.card)}
        report: dict[str, list[str]] = {}
        for _, root in self.sources:
            if root.is_dir():
                for model_dir in sorted(p for p in root.iterdir() if p.is_dir()):
                    if (model_dir / CARD_FILE).exists():
                        report[str(model_dir)] = verify_dir(model_dir)
        return report

    # -- loading -------------------------------------------------------------------------

    def resolve_device(self, device: str | None = None) -> str:
        """The concrete device string ("cpu", "cuda:0") for a preference."""
        pref = device or self.device
        if pref == "cpu":
            return "cpu"
        from textseq_tui.ml.device import choose_device

        return str(choose_device(pref))

    def load(self, name: str, device: str | None = None, *, kind: str | None = None) -> Any:
        """Load model ``name`` with its kind's loader, once; later calls return the same object.

        ``kind``: the kind of model the caller can use (its card's ``kind``, a
        :class:`ModelSpec` kind); a model of another kind is refused with ``BadInput`` in one
        line, naming the models of that kind, before anything is read. Pass it whenever the
        name comes from a user (``--model``, a setting). The sha256 of every file is checked
        first. Thread-safe: concurrent callers of the same model wait for one load.
        """
        info = self.get(name)
        if kind is not None and info.card.kind != kind:
            raise BadInput(self._wrong_kind(info, kind))
        dev = "cpu" if info.card.kind in self._device_free else self.resolve_device(device)
        key = (info.name, dev)
        with self._guard:
            if key in self._cache:
                return self._cache[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._cache:
                return self._cache[key]
            loader = self._loaders.get(info.card.kind)
            if loader is None:
                raise ModelError(
                    f"model {name!r} is of kind {info.card.kind!r}, which no loaded plugin "
                    f"knows how to load (is the {info.card.plugin!r} plugin installed?)"
                )
            problems = verify_dir(info.path, info.card)
            if problems:
                raise ModelError(f"model {name!r} failed verification: " + "; ".join(problems))
            instance = loader(info.path, dev)
            self._cache[key] = instance
            return instance

    def _wrong_kind(self, info: ModelInfo, kind: str) -> str:
        fitting = [m.name for m in self.list() if m.card.kind == kind]
        return (f"model {info.name!r} is a {info.card.kind!r} model (plugin "
                f"{info.card.plugin}), not {kind!r}; models of kind {kind!r}: "
                f"{', '.join(fitting) or 'none'}")

    def loaded(self) -> list[str]:
        """Names (with device) of the models loaded in this process."""
        return [f"{name} ({dev})" for name, dev in self._cache]

    def forget(self, name: str) -> None:
        """Drop cached instances of ``name`` (after it was retrained or removed)."""
        with self._guard:
            for key in [k for k in self._cache if k[0] == name]:
                del self._cache[key]

    # -- writing -------------------------------------------------------------------------

    def save(self, card: ModelCard, files: dict[str, Path | bytes]) -> ModelInfo:
        """Write a model into the user dir atomically and return it.

        ``files`` maps file names to bytes or to paths to copy. The card's ``files`` is
        filled with their sha256. The model appears whole or not at all: it is assembled in
        a staging folder and renamed into place (an older model of the same name and plugin
        is replaced; one of another plugin is refused: remove it first).
        """
        check_name(card.name)
        final = write_model_dir(self.user_dir / card.name, card, files)
        self.forget(card.name)
        return ModelInfo(card, final, "user")

    def import_dir(self, path: Path, name: str | None = None) -> ModelInfo:
        """Copy a model directory (verified first) into the user dir, optionally renamed.

        Only plain files are taken: ``card.json`` and every file the card names must be a
        regular file with one link; a symbolic link, a hard link or a special file (FIFO,
        device, socket) is refused with BadInput. Each file is read once through a checked
        descriptor into a staging folder and its sha256 taken from those bytes, so what is
        verified is what is imported.
        """
        path = Path(path)
        if not path.is_dir():
            raise BadInput(f"{path} is not a directory; a model is a directory with {CARD_FILE}")
        self.user_dir.mkdir(parents=True, exist_ok=True)
        sweep_staging(self.user_dir)
        staged = new_staging(self.user_dir, "import")
        try:
            try:
                _stage(path / CARD_FILE, staged / CARD_FILE)
            except FileNotFoundError:
                raise ModelError(f"{path} is not a model directory: it has no {CARD_FILE}") \
                    from None
            try:
                card = read_card(staged)
            except ModelError as err:  # name the user's folder, not the staging one
                raise ModelError(str(err).replace(str(staged), str(path))) from None
            problems = []
            for fname, expected in card.files.items():
                try:
                    digest, size = _stage(path / fname, staged / fname)
                except FileNotFoundError:
                    problems.append(f"{path / fname}: missing")
                    continue
                except OSError as err:  # e.g. a name longer than the file system allows
                    problems.append(f"{path / fname}: {err.strerror or err}")
                    continue
                if size == 0:
                    problems.append(f"{path / fname}: empty (zero bytes)")
                elif digest != expected:
                    problems.append(f"{path / fname}: sha256 does not match the card "
                                    "(truncated or modified)")
            if problems:
                raise ModelError("refusing to import: " + "; ".join(problems))
            if name:
                card.name = name
            return self.save(card, {f: staged / f for f in card.files})
        finally:
            shutil.rmtree(staged, ignore_errors=True)

    def export(self, name: str, dest: Path) -> Path:
        """Copy model ``name`` to ``dest`` (a new directory)."""
        info = self.get(name)
        dest = Path(dest)
        if dest.exists():
            raise BadInput(f"{dest} already exists; choose a new directory to export to")
        problems = list(_outside(info.path, recursive=True).values())
        problems += [f"{p}: not a regular file or folder" for p in sorted(info.path.rglob("*"))
                     if not (p.is_file() or p.is_dir()) and p.exists()]
        if problems:
            raise ModelError(f"refusing to export {name!r}: " + "; ".join(problems))
        shutil.copytree(info.path, dest)
        return dest

    def remove(self, name: str) -> Path:
        """Delete a model from the user dir (shipped and extra models are read-only)."""
        info = self.get(name)
        if info.source != "user":
            raise BadInput(
                f"model {name!r} comes from {info.source} ({info.path}) and cannot be removed; "
                "only models in your user dir can"
            )
        shutil.rmtree(info.path)
        self.forget(name)
        return info.path


#: Longest model or file name in UTF-8 bytes: the registry adds a prefix and a suffix to
#: build temp names, and file systems stop at 255 bytes.
MAX_NAME_BYTES = 200


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a model or file name (None when it can)."""
    if not name or not name.strip():
        return "is empty"
    if name.startswith(".") or "/" in name or "\\" in name:
        return "starts with '.' or holds a path separator"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "holds control characters"
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "holds characters that are not valid Unicode (lone surrogates)"
    if size > MAX_NAME_BYTES:
        return f"is {size} bytes long (at most {MAX_NAME_BYTES})"
    return None


def _stage(src: Path, dest: Path) -> tuple[str, int]:
    """Copy a plain file (see ``_open_plain``) to ``dest``; its sha256 and size."""
    import hashlib

    digest, size = hashlib.sha256(), 0
    with _open_plain(src) as fin, open(dest, "wb") as fout:
        while chunk := fin.read(1 << 20):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_name(name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise BadInput(f"{name[:60]!r} is not a valid model or file name: it {problem}")


def new_card(
    *,
    name: str,
    plugin: str,
    kind: str,
    version: str = "1",
    device: str = "cpu",
    data: Any = "",
    hyperparameters: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    description: str = "",
    rebuild: str = "",
) -> ModelCard:
    """A card stamped with the current UTC time; ``files`` is filled by :meth:`ModelRegistry.save`."""
    return ModelCard(
        name=name,
        plugin=plugin,
        kind=kind,
        version=version,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        device=device,
        data=data,
        hyperparameters=hyperparameters or {},
        metrics=metrics or {},
        description=description,
        rebuild=rebuild,
    )
