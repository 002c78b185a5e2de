# Installs tofui for the current user from this unpacked folder: checks SHA256SUMS first, then
# copies tofui.exe to %LOCALAPPDATA%\Programs\tofui and puts that folder on the user's PATH.
# No administrator, no network.
#
#   powershell -ExecutionPolicy Bypass -File .\install.ps1
#   powershell -ExecutionPolicy Bypass -File .\install.ps1 -Dest D:\tools\tofui   # elsewhere
param([string]$Dest = (Join-Path $env:LOCALAPPDATA 'Programs\tofui'))
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

# Every file as it was built, before anything is copied: SHA256SUMS is `sha256sum` output,
# "HASH  NAME" a line.
$bad = @()
foreach ($line in Get-Content -LiteralPath 'SHA256SUMS') {
    if ($line -notmatch '^([0-9a-f]{64}) [ *](.+)$') { continue }
    $want, $name = $Matches[1], $Matches[2]
    if (-not (Test-Path -LiteralPath $name)) { $bad += "$name (missing)"; continue }
    $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $name).Hash.ToLowerInvariant()
    if ($got -ne $want) { $bad += $name }
}
if ($bad.Count -gt 0) {
    Write-Error ("SHA256SUMS do not verify, nothing installed: " + ($bad -join ', '))
    exit 1
}
Write-Host 'SHA256SUMS: every file verifies'

$version = & .\tofui.exe --version
if ($LASTEXITCODE -ne 0) { Write-Error 'tofui.exe does not start here'; exit 1 }

New-Item -ItemType Directory -Force -Path $Dest | Out-Null
Copy-Item -Force -LiteralPath 'tofui.exe' -Destination (Join-Path $Dest 'tofui.exe')
Copy-Item -Force -LiteralPath 'README.md', 'config.example.toml' -Destination $Dest

# The user's PATH (HKCU\Environment), not the machine's: no administrator needed. New
# consoles see it; this one is told too.
$userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
$parts = @($userPath -split ';' | Where-Object { $_ -ne '' })
if ($parts -notcontains $Dest) {
    [Environment]::SetEnvironmentVariable('Path', (($parts + $Dest) -join ';'), 'User')
    $env:Path = "$env:Path;$Dest"
    Write-Host "added $Dest to your PATH (new consoles see it)"
}
Write-Host "installed $version as $(Join-Path $Dest 'tofui.exe')"
Write-Host 'next: tofui --demo            # the embedded demo server, no account needed'
Write-Host '      tofui config init       # a commented config in %APPDATA%\tofui'
