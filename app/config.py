"""Where Pigeonhole keeps things, and the connection settings.

Precedence, highest first: command-line options, environment variables (PIGEONHOLE_*), the settings file
(settings.json in the platform config folder), defaults. Secrets never live here: the refresh token is kept in the
OS keyring by the desk layer, and a password only ever comes from the environment for headless commands.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import logging.handlers
import os
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from urllib.parse import urlparse

import platformdirs

APP_NAME = "Pigeonhole"
DEFAULT_API_URL = "https://spaces.nexudus.com"
ENV_HOME = "PIGEONHOLE_HOME"  # one folder for everything (tests, the demo, portable installs)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> Paths:
        home = os.environ.get(ENV_HOME)
        if home:
            root = Path(home)
            return cls(root / "config", root / "data", root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def under(cls, root: Path) -> Paths:
        return cls(root / "config", root / "data", root / "logs")

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def default_db_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'pigeonhole.sqlite3'}"

    @property
    def demo_dir(self) -> Path:
        """The demo workspace: its sandbox's data and its own SQLite database (`pigeonhole --demo ...`)."""
        return self.data_dir / "demo"

    @property
    def demo_db_file(self) -> Path:
        return self.demo_dir / "demo.sqlite3"

    @property
    def demo_db_url(self) -> str:
        return f"sqlite:///{self.demo_db_file}"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "pigeonhole.log"

    def ensure(self) -> None:
        for d in (self.config_dir, self.data_dir, self.log_dir):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)


@dataclass
class Settings:
    """Non-secret settings, saved as JSON."""

    api_url: str = DEFAULT_API_URL
    username: str = ""
    db_url: str = ""  # empty: SQLite in the data folder
    business_id: int | None = None
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))  # one per installation
    shelf: str = ""
    sync_interval_minutes: int = 10
    # Not saved: whether the file holds this client_id yet (False on a first start, until keep_client_id/save).
    client_id_saved: bool = field(default=False, repr=False, compare=False, metadata={"saved": False})
    # Label capture (issue 10): the centre's own address (never the addressee), the folder a scanner or phone
    # drops its files in, how long label images are kept, and what the desk has learnt of the centre's lines.
    centre_address: list[str] = field(default_factory=list)
    watched_folder: str = ""
    image_retention_days: int = 90
    centre_lines_state: dict[str, object] = field(default_factory=dict)
    # items on the shelves: remind the customer, escalate, return to sender after this many days (app.desk.item_life)
    remind_after_days: int = 3
    escalate_after_days: int = 14
    return_after_days: int = 30
    # shelf labels (app.ui.shelf_label): print one at intake; the printer's name ("" = the system default);
    # the label roll's size in millimetres
    print_shelf_labels: bool = False
    label_printer: str = ""
    label_width_mm: float = 62.0
    label_height_mm: float = 29.0

    @classmethod
    def load(cls, paths: Paths) -> Settings:
        """The settings file, or defaults where it is missing or unreadable. Never writes: a first start's new
        client_id is written by `keep_client_id`, which the commands that talk to Nexudus call."""
        data: dict[str, object] = {}
        try:
            data = json.loads(paths.settings_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("Settings file %s unreadable (%s); using defaults", paths.settings_file, exc)
        known = {k: v for k, v in data.items() if k in _SAVED_FIELDS}
        settings = cls(**known)  # type: ignore[arg-type]
        settings.client_id_saved = "client_id" in data
        return settings

    def keep_client_id(self, paths: Paths) -> None:
        """On a first start, write the settings so this installation keeps the client_id it was given (Nexudus
        ties refresh tokens to it). Called by the composition roots (the desk, `pigeonhole sync`)."""
        if not self.client_id_saved:
            self.save(paths)

    def save(self, paths: Paths) -> None:
        paths.ensure()
        tmp = paths.settings_file.with_suffix(".tmp")
        data = {k: v for k, v in asdict(self).items() if k in _SAVED_FIELDS}
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, paths.settings_file)
        self.client_id_saved = True


_SAVED_FIELDS = frozenset(f.name for f in fields(Settings) if f.metadata.get("saved", True))


@dataclass(frozen=True)
class Connection:
    """What a headless command needs to reach Nexudus. The password is only ever read from the environment."""

    api_url: str
    username: str
    password: str
    totp: str
    client_id: str


def url_has_password(url: str) -> bool:
    """Whether a database address carries a password (`postgresql+psycopg://user:secret@host/db`)."""
    try:
        return bool(urlparse(url).password)
    except ValueError:
        return False


PASSWORD_ON_COMMAND_LINE = (
    "Warning: the database password is on the command line (--db), where every user of this computer can read "
    "it. Put it in PostgreSQL's password file (~/.pgpass) or in PIGEONHOLE_DB instead; see the README."
)


def resolve_db_url(paths: Paths, settings: Settings, cli_value: str | None = None) -> str:
    return cli_value or os.environ.get("PIGEONHOLE_DB") or settings.db_url or paths.default_db_url


def resolve_connection(settings: Settings) -> Connection:
    return Connection(
        api_url=os.environ.get("PIGEONHOLE_API_URL") or settings.api_url or DEFAULT_API_URL,
        username=os.environ.get("PIGEONHOLE_USERNAME") or settings.username,
        password=os.environ.get("PIGEONHOLE_PASSWORD", ""),
        totp=os.environ.get("PIGEONHOLE_TOTP", ""),
        client_id=settings.client_id,
    )


def is_loopback_url(url: str) -> bool:
    """True only for `localhost` and literal loopback addresses (127.0.0.0/8, ::1), read from the parsed address.

    A name that merely starts with "127." (`127.evil.example`, `127.0.0.1.nip.io`) is another computer.
    """
    try:
        host = (urlparse(url).hostname or "").lower()
    except ValueError:  # e.g. an unbalanced "[" in the address
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url_is_safe(url: str) -> None:
    """HTTPS for anything that is not loopback."""
    parsed = urlparse(url)
    if parsed.scheme == "https":
        return
    if parsed.scheme == "http" and is_loopback_url(url):
        return
    raise ValueError(f"Refusing {url!r}: use https:// (plain http is only allowed on this computer, 127.0.0.1).")


class _LogFileHandler(logging.handlers.RotatingFileHandler):
    """The handler setup_logging installs (told apart from handlers others added to the root logger)."""


def setup_logging(paths: Paths, level: int = logging.INFO) -> Path:
    """A rotating log file in the platform log folder; returns its path, which receives the log from now on.

    Called again (a self-test in another home, a test), it moves the log to the new file: the previous file
    handler installed here is closed and replaced, so the path returned is always the one written to."""
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    target = paths.log_file.resolve()
    for existing in [h for h in root.handlers if isinstance(h, _LogFileHandler)]:
        if Path(existing.baseFilename).resolve() == target:
            root.setLevel(level)
            return paths.log_file
        root.removeHandler(existing)
        existing.close()
    handler = _LogFileHandler(paths.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return paths.log_file
