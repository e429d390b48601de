@echo off
rem Double-click to install remanxl and its Excel add-in (Windows).
rem Needs Python 3.11 or newer from python.org (not the Microsoft Store build).
cd /d "%~dp0"
rem The 64-bit Python first: xlwings' DLL exists for 64-bit x64 Python only (install.py says so otherwise).
where py >nul 2>nul
if %errorlevel%==0 (
    py -3-64 -c "" >nul 2>nul && (py -3-64 install.py --no-pause %*) || (py -3 install.py --no-pause %*)
) else (
    python install.py --no-pause %*
)
echo.
pause
