"""The bundle recipe, checked without building: the PyInstaller spec is executed with recording stand-ins for
PyInstaller's build steps (Analysis, EXE, COLLECT, BUNDLE), so these tests see exactly what a build would be given.
The real build runs in CI through packaging/check-bundle.sh."""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "pigeonhole.spec"


def _load(name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"_pigeonhole_packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


manifest = _load("bundle_manifest")
make_icons = _load("make_icons")


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return dict(tomllib.load(fh)["project"])


class Recorder:
    """Stand-ins for PyInstaller's spec classes; every call is recorded with its arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def factory(self, kind: str) -> Any:
        recorder = self

        class Step:
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                recorder.calls.append((kind, args, kwargs))
                self.args, self.kwargs = args, kwargs
                # What the spec reads back from an Analysis.
                self.binaries: list[tuple[str, str, str]] = [
                    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
                    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/x/libqeglfs.so", "BINARY"),
                ]
                self.datas: list[tuple[str, str, str]] = list(
                    (str(Path(dest) / Path(src).name), src, "DATA") for src, dest in kwargs.get("datas", [])
                )
                self.pure: list[Any] = []
                self.scripts: list[Any] = []

        return Step

    def one(self, kind: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
        found = [(a, k) for name, a, k in self.calls if name == kind]
        assert len(found) == 1, f"expected one {kind}, got {len(found)}"
        return found[0]

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [k for name, _a, k in self.calls if name == kind]


@pytest.fixture
def run_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Execute the spec for a given platform; returns the Recorder."""
    # the bundle extra is optional (pip install -e '.[bundle]'); imported under the real platform before any patching
    hooks = pytest.importorskip("PyInstaller.utils.hooks", reason="needs the bundle extra (PyInstaller)")

    saved_path = list(sys.path)

    def run(platform: str = sys.platform, fake_collect: bool = False) -> Recorder:
        rec = Recorder()
        namespace: dict[str, Any] = {
            "SPECPATH": str(PACKAGING),
            "workpath": str(tmp_path / "work"),
            "DISTPATH": str(tmp_path / "dist"),
            "__name__": "__main__",
            "__file__": str(SPEC),
        }
        for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
            namespace[kind] = rec.factory(kind)
        with monkeypatch.context() as m:
            if fake_collect:
                m.setattr(hooks, "collect_submodules", lambda *a, **k: [])
                m.setattr(hooks, "copy_metadata", lambda *a, **k: [])
                m.setattr(hooks, "collect_data_files", lambda *a, **k: [])
            if platform == "win32":  # PyInstaller's version-resource helpers need pefile, only on Windows builders
                fake = types.ModuleType("PyInstaller.utils.win32.versioninfo")
                for cls in (
                    "StringStruct",
                    "VSVersionInfo",
                    "FixedFileInfo",
                    "StringFileInfo",
                    "StringTable",
                    "VarFileInfo",
                    "VarStruct",
                ):
                    setattr(fake, cls, lambda *a, _cls=cls, **k: (_cls, a, k))
                m.setitem(sys.modules, "PyInstaller.utils.win32.versioninfo", fake)
            m.setattr(sys, "platform", platform)
            exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
        return rec

    yield run
    sys.path[:] = saved_path


def test_spec_takes_name_and_version_from_pyproject(run_spec: Any) -> None:
    project = _pyproject()
    info = manifest.project_info()
    assert (info.name, info.version) == (project["name"], project["version"])

    linux = run_spec("linux", fake_collect=True)
    (exe,) = linux.all("EXE")
    assert exe["name"] == project["name"]
    assert exe["console"] is True
    assert linux.one("COLLECT")[1]["name"] == project["name"]
    assert not linux.all("BUNDLE")

    mac = run_spec("darwin", fake_collect=True)
    _args, bundle = mac.one("BUNDLE")
    assert bundle["version"] == project["version"]
    assert bundle["info_plist"]["CFBundleShortVersionString"] == project["version"]
    assert bundle["info_plist"]["NSHighResolutionCapable"] is True
    assert bundle["bundle_identifier"] == manifest.BUNDLE_IDENTIFIER
    assert bundle["icon"].endswith(".icns") and Path(bundle["icon"]).is_file()

    win = run_spec("win32", fake_collect=True)
    names = sorted(e["name"] for e in win.all("EXE"))
    assert names == [project["name"], f"{project['name']}-cli"]
    gui = next(e for e in win.all("EXE") if e["name"] == project["name"])
    assert gui["console"] is False and gui["icon"].endswith(".ico")
    strings = str(gui["version"])
    assert f"'ProductVersion', '{project['version']}'" in strings


def _runtime_files_by_walk() -> set[tuple[str, str]]:
    """Independently of the manifest: what a source tree needs next to the code at run time."""
    needed: set[tuple[str, str]] = set()
    for top in ("app",):
        for dirpath, dirnames, filenames in os.walk(ROOT / top):
            dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
            rel = Path(dirpath).relative_to(ROOT)
            for name in filenames:
                suffix = Path(name).suffix
                migration_script = rel.parts[:3] == ("app", "store", "migrations") and suffix == ".py"
                # .so/.pyd: the compiled matcher, code (its hidden imports are checked below); compiled.sha256 lists
                # the sources it was built from, which the bundle does not hold
                data = migration_script or suffix not in {".py", ".pyc", ".pyi", ".so", ".pyd"}
                if data and name not in ("py.typed", "compiled.sha256"):
                    needed.add((str(ROOT / rel / name), str(rel)))
    return needed


def test_every_runtime_data_file_is_listed(run_spec: Any) -> None:
    rec = run_spec(sys.platform)
    args, analysis = rec.one("Analysis")
    assert Path(args[0][0]) == PACKAGING / "entry.py"
    listed = {(str(Path(src)), str(Path(dest))) for src, dest in analysis["datas"]}

    missing = _runtime_files_by_walk() - listed
    assert not missing, f"not in the bundle: {sorted(missing)}"
    for must in (
        "app/resources/style.qss",
        "app/resources/pigeonhole.desktop",
        "app/resources/icons/pigeonhole-256.png",
        "app/store/migrations/env.py",
        "app/store/migrations/script.py.mako",
    ):
        assert (str(ROOT / must), str(Path(must).parent)) in listed, must
    assert any("/migrations/versions/" in src and src.endswith(".py") for src, _ in listed)

    # Package metadata the app reads at run time (its own version; keyring's backend entry points).
    dist_infos = {dest: src for src, dest in listed if dest.endswith(".dist-info")}
    info = manifest.project_info()
    own = Path(dist_infos[f"{info.name}-{info.version}.dist-info"]) / "METADATA"
    assert f"Version: {info.version}" in own.read_text().splitlines()
    assert any(n.startswith("keyring-") for n in dist_infos), dist_infos

    # Third-party data read at run time: anyascii's transliteration tables (the matcher folds every label with it).
    assert any(dest.replace(os.sep, "/") == "anyascii/_data" for _src, dest in listed)

    hidden = set(analysis["hiddenimports"])
    for module in (
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql.psycopg",
        "psycopg_binary",
        "keyring.backends.null",
        "app.ui.self_test",
        "app.ui.main",
        "app.store.engine",
    ):
        assert module in hidden, module
    assert not any(m.startswith("app.store.migrations") for m in hidden), "migrations are data, not imports"
    assert "PySide6.QtQuick" in analysis["excludes"] and "PySide6.QtWidgets" not in analysis["excludes"]


def test_what_compiled_modules_import_is_bundled(tmp_path: Path) -> None:
    """PyInstaller reads the imports of Python files only: a compiled module's are given to it, with the group's
    shared library the compiled modules import from C."""
    package = tmp_path / "app" / "matching"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "align.py").write_text("import heapq\nfrom rapidfuzz.distance import OSA\nfrom app.matching import x\n")
    (package / "align.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (package / "compiled__mypyc.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (package / "label.py").write_text("import jellyfish\n")  # not compiled: PyInstaller reads it itself
    (package / "compiled.sha256").write_text("0  align.py\n")

    assert manifest.compiled_hidden_imports(tmp_path) == [
        "app.matching",
        "app.matching.align",
        "app.matching.compiled__mypyc",
        "heapq",
        "rapidfuzz.distance",
    ]
    assert manifest.runtime_data_files(tmp_path) == []  # extension modules are code, the list of sources is not shipped
    (package / "compiled__mypyc.cpython-311-x86_64-linux-gnu.so").unlink()
    (package / "align.cpython-311-x86_64-linux-gnu.so").unlink()
    assert manifest.compiled_hidden_imports(tmp_path) == []


def test_wheel_package_data_covers_the_same_files() -> None:
    """A pip/wheel install must carry the same data files as the bundle (pyproject package-data patterns)."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        package_data = tomllib.load(fh)["tool"]["setuptools"]["package-data"]
    patterns, app_patterns = package_data["*"], package_data.get("app", [])
    for src, _dest in manifest.runtime_data_files():
        path = Path(src)
        if path.is_relative_to(ROOT / "app") and path.suffix != ".py":
            in_app = path.relative_to(ROOT / "app").as_posix()
            assert any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns) or any(
                fnmatch.fnmatch(in_app, pattern) for pattern in app_patterns
            ), f"{path.relative_to(ROOT)} is not covered by [tool.setuptools.package-data] in pyproject.toml"


def test_entry_script_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, str(PACKAGING / "entry.py"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"pigeonhole {_pyproject()['version']}"


def test_qt_pieces_for_embedded_displays_are_dropped() -> None:
    keep = manifest.keep_binary
    assert keep("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert keep("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert keep("PySide6/Qt/plugins/platforms/libqwayland.so")
    assert keep("PySide6/Qt/lib/libQt6Widgets.so.6")
    assert not keep("PySide6/Qt/plugins/platforms/libqeglfs.so")
    assert not keep("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so")
    assert not keep("PySide6/Qt/lib/libQt6Quick.so.6")
    assert not keep("libcairo.so.2")


def test_version_numbers_for_windows_and_macos() -> None:
    assert manifest.ProjectInfo("x", "1.2.3").numeric_version == "1.2.3.0"
    assert manifest.ProjectInfo("x", "2.0.0rc1").numeric_version == "2.0.0.0"
    assert manifest.ProjectInfo("x", "0.1").numeric_version == "0.1.0.0"
    assert manifest.ProjectInfo("x", "1.2.3.4.5").numeric_version == "1.2.3.4"


def test_ico_and_icns_hold_every_png_size(tmp_path: Path) -> None:
    ico_path, icns_path = make_icons.write_icons(tmp_path)
    ico = ico_path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _c, _r, planes, bits, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i])
        png = ico[offset : offset + length]
        assert png[:8] == make_icons.PNG_SIGNATURE and planes == 1 and bits == 32
        real = make_icons.png_size(png)
        assert real == (w or 256, h or 256)
        sizes.append(real[0])
    expected = [s for s in make_icons.ICO_SIZES if (ROOT / f"app/resources/icons/pigeonhole-{s}.png").exists()]
    assert sizes == expected and 256 in sizes and 16 in sizes

    icns = icns_path.read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, types_found = 8, []
    while pos < len(icns):
        ostype, length = icns[pos : pos + 4], struct.unpack(">I", icns[pos + 4 : pos + 8])[0]
        assert icns[pos + 8 : pos + 16] == make_icons.PNG_SIGNATURE
        types_found.append(ostype)
        pos += length
    assert pos == len(icns) and b"ic08" in types_found and b"ic09" in types_found


def test_inno_setup_script_matches_the_bundle() -> None:
    iss = (PACKAGING / "windows" / "pigeonhole.iss").read_text(encoding="utf-8")
    assert f'#define AppExe "{_pyproject()["name"]}.exe"' in iss
    assert "AppVersion={#AppVersion}" in iss and "#error" in iss  # the version always comes from the build script
    assert "PrivilegesRequiredOverridesAllowed=dialog" in iss and "{autodesktop}" in iss
    ps1 = (PACKAGING / "windows" / "build.ps1").read_text(encoding="utf-8")
    assert "/DAppVersion=$Version" in ps1 and "tomllib" in ps1


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_linux_install_script_installs_and_uninstalls(tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "pigeonhole"
    shutil.copytree(ROOT / "app" / "resources", bundle / "_internal" / "app" / "resources")
    exe = bundle / "pigeonhole"
    exe.write_text('#!/bin/sh\necho pigeonhole-bundle "$@"\n')
    exe.chmod(0o755)
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PREFIX": str(prefix), "HOME": str(tmp_path / "home")}
    script = PACKAGING / "linux" / "install.sh"

    done = subprocess.run(["bash", str(script), str(bundle)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    opt = prefix / "opt" / "pigeonhole"
    assert (opt / "pigeonhole").is_file()
    link = prefix / "bin" / "pigeonhole"
    assert link.is_symlink()
    ran = subprocess.run([str(link), "--self-test"], capture_output=True, text=True, timeout=30)
    assert ran.stdout.strip() == "pigeonhole-bundle --self-test"
    desktop = (prefix / "share" / "applications" / "pigeonhole.desktop").read_text()
    assert f"Exec={opt}/pigeonhole\n" in desktop and f"TryExec={opt}/pigeonhole" in desktop
    assert "Icon=pigeonhole" in desktop
    icons = prefix / "share" / "icons" / "hicolor"
    assert (icons / "256x256" / "apps" / "pigeonhole.png").is_file()
    assert (icons / "scalable" / "apps" / "pigeonhole.svg").is_file()

    # Installing again (an upgrade) replaces the old copy.
    (opt / "stale-file").write_text("old")
    again = subprocess.run(["bash", str(script), str(bundle)], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert not (opt / "stale-file").exists()

    gone = subprocess.run(["bash", str(script), "--uninstall"], env=env, capture_output=True, text=True, timeout=60)
    assert gone.returncode == 0, gone.stderr
    assert not opt.exists() and not link.exists()
    assert not (prefix / "share" / "applications" / "pigeonhole.desktop").exists()
    assert not list(icons.rglob("pigeonhole.*"))


def test_install_script_refuses_a_missing_bundle(tmp_path: Path) -> None:
    env = {**os.environ, "PREFIX": str(tmp_path / "prefix")}
    done = subprocess.run(
        ["bash", str(PACKAGING / "linux" / "install.sh"), str(tmp_path / "nothing")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "no bundle" in done.stderr
    assert not (tmp_path / "prefix" / "opt").exists()


def test_ocr_engine_model_and_camera_go_into_the_bundle(
    run_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Label capture (issue 10): Tesseract's model lands in <bundle>/tessdata, where the frozen app looks for it;
    the OCR engine, the PDF reader and Qt Multimedia (the camera) are imported and not excluded."""
    rec = run_spec(sys.platform)
    _args, analysis = rec.one("Analysis")
    listed = {(str(Path(src)), str(Path(dest))) for src, dest in analysis["datas"]}
    assert any(src.endswith("eng.traineddata") and dest == "tessdata" for src, dest in listed), "no OCR model"
    assert any(src.endswith("resources/samples/self-test-label.jpg") for src, _ in listed), "no self-test label"
    hidden = set(analysis["hiddenimports"])
    for module in ("tesserocr", "pypdfium2", "PySide6.QtMultimedia"):
        assert module in hidden, module
    for module in ("PySide6.QtMultimedia", "PySide6.QtNetwork"):  # QtMultimedia imports QtNetwork
        assert module not in analysis["excludes"], module

    from app.capture import engine_paths

    bundle = tmp_path / "bundle"
    (bundle / manifest.TESSDATA_BUNDLE_FOLDER).mkdir(parents=True)
    (bundle / manifest.TESSDATA_BUNDLE_FOLDER / "eng.traineddata").write_bytes(b"model")
    monkeypatch.delenv(engine_paths.ENV_TESSDATA, raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert engine_paths.tessdata_dir() == str(bundle / "tessdata") + os.sep
    with pytest.raises(FileNotFoundError, match="missing"):
        engine_paths.tessdata_dir("xyz")
