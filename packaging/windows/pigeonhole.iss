; Inno Setup 6 script for Pigeonhole (built on Windows by packaging\windows\build.ps1, which passes the defines):
;   iscc /DAppVersion=0.1.0 /DDistDir=..\..\dist\pigeonhole /DIconFile=..\..\build\icons\pigeonhole.ico pigeonhole.iss
;
; - Per-user install by default (no administrator needed, into %LOCALAPPDATA%\Programs\Pigeonhole); the first page
;   offers "install for all users" to an administrator (PrivilegesRequiredOverridesAllowed=dialog).
; - Start-menu shortcuts (the desk, and the demo workspace), an optional desktop shortcut, an uninstaller.
; - The uninstaller removes the program only: the database, settings and logs in %LOCALAPPDATA%\Pigeonhole are the
;   centre's records and are kept (delete that folder by hand to remove them too).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build.ps1 reads it from pyproject.toml)
#endif
#ifndef DistDir
  #define DistDir "..\..\dist\pigeonhole"
#endif
#define AppName "Pigeonhole"
#define AppExe "pigeonhole.exe"

[Setup]
; Never change AppId: it is how upgrades find the installed copy.
AppId={{6F0D8E0B-3C1B-4E55-9A2E-5C1F7B3E9D42}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Pigeonhole
AppComments=Mail-room desk for coworking centres that run on Nexudus
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Pigeonhole-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
CloseApplications=yes
#ifdef IconFile
SetupIconFile={#IconFile}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale (stale files from an older version must not linger).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autoprograms}\{#AppName} demo workspace"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
