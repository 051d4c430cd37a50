# Build the Windows bundle and installer (run on Windows, from any folder):
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Python .venv\Scripts\python.exe] [-SkipInstaller] [-Interpreted]
#
# Needs: Python 3.11+ with the project installed (pip install -e ".[bundle]"), the Visual Studio Build Tools (C++) to
# compile the matcher (docs/architecture.md; -Interpreted bundles it interpreted instead), and Inno Setup 6 (iscc.exe on PATH
# or in its default folder) for the installer. Produces dist\pigeonhole\ (pigeonhole.exe for the desk,
# pigeonhole-cli.exe for the command line) and dist\Pigeonhole-<version>-setup.exe.
[CmdletBinding()]
param(
    [string]$Python = "",
    [switch]$SkipInstaller,
    [switch]$Interpreted
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
if (-not $Python) { $Python = Join-Path $Root ".venv\Scripts\python.exe" }
if (-not (Test-Path $Python)) { throw "No Python at $Python (python -m venv .venv; .venv\Scripts\pip install -e .[bundle])" }

& $Python -c "import PyInstaller, mypyc" 2>$null
if ($LASTEXITCODE -ne 0) { & $Python -m pip install -q -e "$Root[bundle]"; if ($LASTEXITCODE -ne 0) { throw "pip failed" } }

$Version = (& $Python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])").Trim()
Write-Host "Building Pigeonhole $Version"

# The .ico for the installer (the spec makes its own copy for the .exe); standard library only, no Pillow.
$IconDir = Join-Path $Root "build\icons"
& $Python packaging\make_icons.py $IconDir
if ($LASTEXITCODE -ne 0) { throw "icon generation failed" }

if ($Interpreted) {
    & $Python packaging\compile_matching.py --clean
} else {
    & $Python packaging\compile_matching.py
    if ($LASTEXITCODE -ne 0) { throw "Could not compile the matcher (install the Visual Studio Build Tools, or pass -Interpreted)" }
}

$sw = [Diagnostics.Stopwatch]::StartNew()
& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\pigeonhole.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
Write-Host ("Bundle built in {0:N0} s" -f $sw.Elapsed.TotalSeconds)

# The bundle must pass its own end-to-end check before it is packaged.
$env:QT_QPA_PLATFORM = "offscreen"
& (Join-Path $Root "dist\pigeonhole\pigeonhole-cli.exe") --self-test
$rc = $LASTEXITCODE
Remove-Item Env:\QT_QPA_PLATFORM
if ($rc -ne 0) { throw "The bundle's self-test failed (exit $rc)" }

if ($SkipInstaller) { return }
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) {
    foreach ($candidate in @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe", "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
        if (Test-Path $candidate) { $Iscc = $candidate; break }
    }
}
if (-not $Iscc) { throw "Inno Setup 6 not found (install it, or pass -SkipInstaller)" }
& $Iscc "/DAppVersion=$Version" "/DDistDir=$Root\dist\pigeonhole" "/DIconFile=$IconDir\pigeonhole.ico" "packaging\windows\pigeonhole.iss"
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "Installer: dist\Pigeonhole-$Version-setup.exe"
