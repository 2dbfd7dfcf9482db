; fupinpos — the Windows setup program (NSIS 3, makensis -INPUTCHARSET UTF8).
;
; Built by `make windows` (assets/packaging/windows.mk), which passes
;   -DVERSION=0.9.1            the release (git describe)
;   -DVERSION4=0.9.1.0         the same as four numbers (the file's version resource)
;   -DDIST=dist/windows        the folder with fupinpos.exe, posctl.exe, voucherd.exe
;   -DFONT=bin/fupinpos-gb2312.ttf   the app's CJK font (make font)
;   -DICON=build/.../fupinpos.ico
;   -DOUTFILE=dist/windows/fupinpos-setup-0.9.1.exe
;
; What it does (DESIGN §9, issue 11):
;   - installs fupinpos.exe (the counter app), posctl.exe (the technician's
;     tool), voucherd.exe (the central server, for a store that runs one
;     on Windows) and the font into "C:\Program Files\fupinpos" (64-bit);
;   - creates the data folder C:\ProgramData\fupinpos, writable by Users,
;     where the terminal database lives (terminal.db);
;   - Start menu: 收银 (the app), posctl 命令行 (a console in the program
;     folder), 卸载 (uninstall);
;   - starts the app full screen at every logon (HKLM Run key), optional;
;   - an Add/Remove Programs entry; the uninstaller removes the programs,
;     the shortcuts and the auto-start, and KEEPS the data folder and the
;     database (its queued sales and its ledger are the store's records);
;   - an upgrade never strands queued sales (as the .deb's preinst): over
;     an installed copy with a database, setup closes the app and asks the
;     INSTALLED posctl.exe how many sales wait for upload (posctl status
;     --json: "outbox", or queue.count from older releases) before it
;     replaces anything; while any wait (or the count cannot be read) it
;     refuses, changes nothing and says how to upload them (posctl sync),
;     unless forced: the /FORCE switch, the file
;     C:\ProgramData\fupinpos\force-upgrade (removed by the upgrade), or
;     "Yes" to its question when not silent. A silent refusal exits with
;     status 2 and leaves its message in
;     C:\ProgramData\fupinpos\setup-refused.txt (removed by the next
;     upgrade that goes through).
; Silent: setup.exe /S (all components), setup.exe /S /FORCE (upgrade even
; with sales waiting), uninstall.exe /S.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!include MUI2.nsh
!include LogicLib.nsh
!include x64.nsh
!include WinVer.nsh
!include FileFunc.nsh
!include TextFunc.nsh

!ifndef VERSION
  !define VERSION 0.0.0-dev
!endif
!ifndef VERSION4
  !define VERSION4 0.0.0.0
!endif
!ifndef DIST
  !define DIST dist\windows
!endif
!ifndef OUTFILE
  !define OUTFILE "${DIST}\fupinpos-setup-${VERSION}.exe"
!endif

!define APP        fupinpos
!define PUBLISHER  "fupinpos"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define RUN_KEY    "Software\Microsoft\Windows\CurrentVersion\Run"
; The data folder, under ProgramData ($APPDATA with SetShellVarContext all).
!define DATA       "$APPDATA\${APP}"
!define DB         "$APPDATA\${APP}\terminal.db"
; The technician's flag that forces an upgrade with sales waiting (as
; /var/lib/fupinpos/force-upgrade for the .deb), and the note a refused
; silent upgrade leaves.
!define FORCEFLAG  "$APPDATA\${APP}\force-upgrade"
!define REFUSED    "$APPDATA\${APP}\setup-refused.txt"

Name "$(AppName)"
Caption "$(AppName) ${VERSION}"
BrandingText "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "fupinpos counter terminal setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "fupinpos"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_NOAUTOCLOSE
!define MUI_FINISHPAGE_TEXT "$(FinishText)"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the fallback for a system in any other language.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString AppName        ${LANG_ENGLISH}     "fupinpos counter terminal"
LangString AppName        ${LANG_SIMPCHINESE} "扶贫专区收银终端"
LangString SecApp         ${LANG_ENGLISH}     "Counter app and technician tools (required)"
LangString SecApp         ${LANG_SIMPCHINESE} "收银程序和维护工具（必选）"
LangString SecAutostart   ${LANG_ENGLISH}     "Start the counter app full screen at logon"
LangString SecAutostart   ${LANG_SIMPCHINESE} "开机登录后全屏启动收银程序"
LangString SecConsole     ${LANG_ENGLISH}     "Start-menu console for posctl (technicians)"
LangString SecConsole     ${LANG_SIMPCHINESE} "开始菜单中的 posctl 命令行（技术人员用）"
LangString LnkApp         ${LANG_ENGLISH}     "Cashier"
LangString LnkApp         ${LANG_SIMPCHINESE} "收银"
LangString LnkConsole     ${LANG_ENGLISH}     "posctl console"
LangString LnkConsole     ${LANG_SIMPCHINESE} "posctl 命令行"
LangString LnkUninstall   ${LANG_ENGLISH}     "Uninstall"
LangString LnkUninstall   ${LANG_SIMPCHINESE} "卸载"
LangString NeedWin10      ${LANG_ENGLISH}     "fupinpos needs 64-bit Windows 10 or later (Windows Server 2016 or later)."
LangString NeedWin10      ${LANG_SIMPCHINESE} "本程序需要 64 位 Windows 10 或更高版本（或 Windows Server 2016 及以上）。"
LangString AppRunning     ${LANG_ENGLISH}     "The counter app is running. Finish the current sale; setup will close the app. Continue?"
LangString AppRunning     ${LANG_SIMPCHINESE} "收银程序正在运行。请先完成当前交易，安装程序将关闭它。是否继续？"
LangString FinishText     ${LANG_ENGLISH}     "The programs are in $INSTDIR, the database folder is $APPDATA\${APP} (kept on uninstall).$\r$\n$\r$\nNext: open the posctl console from the Start menu and provision or enroll the terminal (see the README), then start the Cashier app."
LangString FinishText     ${LANG_SIMPCHINESE} "程序已安装到 $INSTDIR，数据库文件夹为 $APPDATA\${APP}（卸载时保留）。$\r$\n$\r$\n下一步：从开始菜单打开 posctl 命令行，配置或注册本终端（见说明书），然后启动“收银”。"
LangString Waiting        ${LANG_ENGLISH}     "$Waiting sale(s) on this terminal have not been uploaded to the server yet (${DB})."
LangString Waiting        ${LANG_SIMPCHINESE} "本终端还有 $Waiting 笔交易尚未上传到服务器（${DB}）。"
LangString Unreadable     ${LANG_ENGLISH}     "Setup cannot read how many sales wait for upload in ${DB}: $Detail"
LangString Unreadable     ${LANG_SIMPCHINESE} "安装程序无法读取 ${DB} 中待上传的交易数：$Detail"
LangString HowToSync      ${LANG_ENGLISH}     "Queued sales must reach the server before the program changes. Connect the terminal to the network, open the posctl console from the Start menu and upload them:$\r$\n    posctl sync --db $\"${DB}$\"$\r$\nthen run setup again."
LangString HowToSync      ${LANG_SIMPCHINESE} "升级程序前，待上传的交易必须先到达服务器。请将终端联网，从开始菜单打开“posctl 命令行”，执行：$\r$\n    posctl sync --db $\"${DB}$\"$\r$\n上传完成后再运行安装程序。"
LangString HowToForce     ${LANG_ENGLISH}     "To upgrade anyway (the queued sales stay in the database and upload after the upgrade): setup.exe /S /FORCE, or create the file ${FORCEFLAG} first (the upgrade removes it)."
LangString HowToForce     ${LANG_SIMPCHINESE} "如确需立即升级（交易保留在数据库中，升级后再上传）：运行 setup.exe /S /FORCE，或先创建文件 ${FORCEFLAG}（升级后自动删除）。"
LangString AskForce       ${LANG_ENGLISH}     "Upgrade anyway? The queued sales stay in the database and upload after the upgrade."
LangString AskForce       ${LANG_SIMPCHINESE} "仍要升级吗？交易保留在数据库中，升级后再上传。"
LangString Refused        ${LANG_ENGLISH}     "Upgrade refused: nothing was changed."
LangString Refused        ${LANG_SIMPCHINESE} "已拒绝升级：未做任何更改。"
LangString ForcedUpgrade  ${LANG_ENGLISH}     "Upgrading anyway (forced)."
LangString ForcedUpgrade  ${LANG_SIMPCHINESE} "强制升级。"
LangString OutboxEmpty    ${LANG_ENGLISH}     "No sales wait for upload: upgrading."
LangString OutboxEmpty    ${LANG_SIMPCHINESE} "没有待上传的交易，开始升级。"
LangString KeptData       ${LANG_ENGLISH}     "The database folder $APPDATA\${APP} is kept."
LangString KeptData       ${LANG_SIMPCHINESE} "数据库文件夹 $APPDATA\${APP} 已保留。"

; Forced is 1 when the command line has /FORCE (see checkOutbox);
; Waiting and Detail fill the messages above.
Var Forced
Var Waiting
Var Detail

Function .onInit
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/FORCE" $1
  ${IfNot} ${Errors}
    StrCpy $Forced 1
  ${EndIf}
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "$(NeedWin10)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

; stopApp closes a running counter app (an upgrade, the uninstall): it
; asks first when not silent, then closes it politely (WM_CLOSE) and, two
; seconds later, by force. Its sales are already committed to the
; database, which stays where it is.
!macro stopApp un
Function ${un}stopApp
  nsExec::ExecToStack '"$SYSDIR\tasklist.exe" /NH /FO CSV /FI "IMAGENAME eq fupinpos.exe"'
  Pop $0
  Pop $1
  StrCpy $1 $1 14
  ${If} $1 == '"fupinpos.exe"'
    MessageBox MB_OKCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDOK IDOK +2
    Abort
  ${EndIf}
  ; taskkill exits 0 only when it found the program.
  nsExec::Exec '"$SYSDIR\taskkill.exe" /IM fupinpos.exe'
  Pop $0
  ${If} $0 == 0
    Sleep 2000
    nsExec::Exec '"$SYSDIR\taskkill.exe" /F /IM fupinpos.exe'
    Pop $0
    Sleep 500
  ${EndIf}
FunctionEnd
!macroend
!insertmacro stopApp ""
!insertmacro stopApp "un."

; numberAfter: on the stack a line of posctl's JSON and a key ("outbox":);
; returns the whole number that follows the key in the line, or "".
Function numberAfter
  Exch $1 ; key
  Exch
  Exch $0 ; line
  Push $2
  Push $3
  Push $4
  StrLen $2 $1
  StrCpy $3 0
  ${Do}
    StrCpy $4 $0 $2 $3
    ${If} $4 == ""
      StrCpy $0 ""
      ${Break}
    ${EndIf}
    ${If} $4 S== $1
      IntOp $3 $3 + $2
      StrCpy $0 $0 "" $3
      ; skip blanks, then take the digits: atoi, checked by printing it back
      ${Do}
        StrCpy $4 $0 1
        ${If} $4 != " "
        ${AndIf} $4 != "$\t"
          ${Break}
        ${EndIf}
        StrCpy $0 $0 "" 1
      ${Loop}
      IntOp $4 $0 + 0
      StrLen $2 $4
      StrCpy $3 $0 $2
      ${If} $3 S== $4
        StrCpy $0 $4
      ${Else}
        StrCpy $0 ""
      ${EndIf}
      ${Break}
    ${EndIf}
    IntOp $3 $3 + 1
  ${Loop}
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

; checkOutbox: on an upgrade of a terminal with a database (the app
; already closed, nothing replaced yet), the installed posctl.exe says how
; many sales wait for upload; while any wait, or the count cannot be read,
; setup refuses unless forced. Like the .deb's preinst.
Function checkOutbox
  ${IfNot} ${FileExists} "$INSTDIR\posctl.exe"
  ${OrIfNot} ${FileExists} "${DB}"
    Return
  ${EndIf}
  ${If} ${FileExists} "${FORCEFLAG}"
    StrCpy $Forced 1
  ${EndIf}
  InitPluginsDir
  ; posctl's messages in English: its output is read below as ANSI text.
  ClearErrors
  ReadEnvStr $8 LANG
  System::Call 'kernel32::SetEnvironmentVariable(t "LANG", t "en")'
  nsExec::Exec '"$SYSDIR\cmd.exe" /c ""$INSTDIR\posctl.exe" status --db "${DB}" --json >"$PLUGINSDIR\status.json" 2>&1"'
  Pop $0
  ${If} $8 == ""
    System::Call 'kernel32::SetEnvironmentVariable(t "LANG", p 0)'
  ${Else}
    System::Call 'kernel32::SetEnvironmentVariable(t "LANG", t r8)'
  ${EndIf}
  ; "outbox" (this release on), else queue.count (older releases); the
  ; JSON has one field per line.
  StrCpy $Waiting ""
  StrCpy $Detail ""
  StrCpy $3 ""  ; queue.count
  StrCpy $4 0   ; inside "queue"
  ClearErrors
  FileOpen $1 "$PLUGINSDIR\status.json" r
  ${IfNot} ${Errors}
    ${Do}
      ClearErrors
      FileRead $1 $2
      ${If} ${Errors}
        ${Break}
      ${EndIf}
      ${If} $Detail == ""
        ${TrimNewLines} $2 $Detail
        StrCpy $Detail $Detail 300
      ${EndIf}
      Push $2
      Push '"outbox":'
      Call numberAfter
      Pop $5
      ${If} $5 != ""
      ${AndIf} $Waiting == ""
        StrCpy $Waiting $5
      ${EndIf}
      Push $2
      Push '"queue": {'
      Call keyIn
      Pop $6
      ${If} $6 == 1
        StrCpy $4 1
      ${ElseIf} $4 == 1
        Push $2
        Push '"count":'
        Call numberAfter
        Pop $5
        ${If} $5 != ""
        ${AndIf} $3 == ""
          StrCpy $3 $5
        ${EndIf}
        Push $2
        Push '}'
        Call keyIn
        Pop $6
        ${If} $6 == 1
          StrCpy $4 0
        ${EndIf}
      ${EndIf}
    ${Loop}
    FileClose $1
  ${EndIf}
  ${If} $Waiting == ""
    StrCpy $Waiting $3
  ${EndIf}
  ${If} $0 != 0
    StrCpy $Waiting ""
    ${If} $Detail == ""
      StrCpy $Detail "posctl.exe: $0"
    ${EndIf}
  ${ElseIf} $Waiting == ""
    StrCpy $Detail "posctl status --json names no outbox count"
  ${EndIf}

  ${If} $Waiting == 0
    DetailPrint "$(OutboxEmpty)"
    Return
  ${EndIf}
  ${If} $Waiting == ""
    StrCpy $7 "$(Unreadable)"
  ${Else}
    StrCpy $7 "$(Waiting)"
  ${EndIf}
  DetailPrint "$7"
  ${If} $Forced == 1
    DetailPrint "$(ForcedUpgrade)"
    Return
  ${EndIf}
  MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$7$\r$\n$\r$\n$(HowToSync)$\r$\n$\r$\n$(AskForce)" /SD IDNO IDNO refuse
  DetailPrint "$(ForcedUpgrade)"
  Return
refuse:
  ; The note for a silent run (UTF-16, so Chinese survives; Notepad reads it).
  ClearErrors
  FileOpen $1 "${REFUSED}" w
  ${IfNot} ${Errors}
    FileWriteUTF16LE /BOM $1 "$(Refused)$\r$\n$7$\r$\n$\r$\n$(HowToSync)$\r$\n$\r$\n$(HowToForce)$\r$\n"
    FileClose $1
  ${EndIf}
  DetailPrint "$(Refused)"
  SetErrorLevel 2
  Abort "$(Refused)"
FunctionEnd

; keyIn: on the stack a line and a text; returns 1 when the line holds
; the text, else 0.
Function keyIn
  Exch $1 ; text
  Exch
  Exch $0 ; line
  Push $2
  Push $3
  Push $4
  StrLen $2 $1
  StrCpy $3 0
  ${Do}
    StrCpy $4 $0 $2 $3
    ${If} $4 == ""
      StrCpy $0 0
      ${Break}
    ${EndIf}
    ${If} $4 S== $1
      StrCpy $0 1
      ${Break}
    ${EndIf}
    IntOp $3 $3 + 1
  ${Loop}
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

Section "$(SecApp)" SecApp
  SectionIn RO
  Call stopApp
  Call checkOutbox
  Delete "${FORCEFLAG}"
  Delete "${REFUSED}"
  SetOutPath "$INSTDIR"
  File "${DIST}\fupinpos.exe"
  File "${DIST}\posctl.exe"
  File "${DIST}\voucherd.exe"
  File "/oname=fupinpos-gb2312.ttf" "${FONT}"
  !ifdef ICON
    File "/oname=fupinpos.ico" "${ICON}"
  !endif
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The data folder: Users may modify what is in it (the app runs as the
  ; cashier's account; posctl as the technician's), inherited by the
  ; database file made later. S-1-5-32-545 is BUILTIN\Users in every
  ; Windows language.
  CreateDirectory "${DATA}"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "${DATA}" /grant *S-1-5-32-545:(OI)(CI)M'
  Pop $0

  CreateDirectory "$SMPROGRAMS\${APP}"
  SetOutPath "$INSTDIR"
  CreateShortCut "$SMPROGRAMS\${APP}\$(LnkApp).lnk" "$INSTDIR\fupinpos.exe" '--db "${DB}"' "$INSTDIR\fupinpos.exe" 0
  CreateShortCut "$SMPROGRAMS\${APP}\$(LnkUninstall).lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr   HKLM "${UNINST_KEY}" "DisplayName" "$(AppName)"
  WriteRegStr   HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr   HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr   HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr   HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\fupinpos.exe"
  WriteRegStr   HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr   HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecAutostart)" SecAutostart
  WriteRegStr HKLM "${RUN_KEY}" "${APP}" '"$INSTDIR\fupinpos.exe" --db "${DB}" --fullscreen'
SectionEnd

Section "$(SecConsole)" SecConsole
  ; A console in the program folder, so "posctl help" works as typed.
  SetOutPath "$INSTDIR"
  CreateShortCut "$SMPROGRAMS\${APP}\$(LnkConsole).lnk" "$SYSDIR\cmd.exe" '/k posctl.exe help' "$INSTDIR\posctl.exe" 0
SectionEnd

Section "Uninstall"
  Call un.stopApp
  DeleteRegValue HKLM "${RUN_KEY}" "${APP}"
  DeleteRegKey HKLM "${UNINST_KEY}"
  RMDir /r "$SMPROGRAMS\${APP}"
  Delete "$INSTDIR\fupinpos.exe"
  Delete "$INSTDIR\posctl.exe"
  Delete "$INSTDIR\voucherd.exe"
  Delete "$INSTDIR\fupinpos-gb2312.ttf"
  Delete "$INSTDIR\fupinpos.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; The data folder and the database stay: ${DATA}.
  DetailPrint "$(KeptData)"
SectionEnd
