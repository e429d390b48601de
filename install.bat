@echo off
rem Double-click to install remanxl and its Excel add-in (Windows).
rem Needs Python 3.11 or newer from python.org (not the Microsoft Store build).
cd /d "%~dp0"
where py >nul 2>nul
if %errorlevel%==0 (
    py -3 install.py --no-pause %*
) else (
    python install.py --no-pause %*
)
echo.
pause
