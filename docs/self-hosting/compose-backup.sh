#!/bin/sh
# A backup of the Compose deployment's household file into backups/ in this checkout, keeping the 30 newest.
# It works from anywhere (it goes to its own checkout first), so cron can run it as it is; every day at 03:30:
#   30 3 * * * /home/you/our-rituals/docs/self-hosting/compose-backup.sh
# The file is written under a temporary name and gets its dated name only once the skill has written and checked
# the whole backup: a failed backup leaves no empty or partial "backup", and deletes none of the good ones.
# Names are our-rituals-YYYYMMDD-HHMMSS.db in UTC, so they sort in the order they were taken.
set -eu
cd "$(dirname "$0")/../.."
umask 077
mkdir -p backups
chmod 700 backups # a backup holds your names: the folder is yours alone, even if it was made before
partial=backups/.partial
trap 'rm -f "$partial"' EXIT
docker compose exec -T skill our-rituals backup - >"$partial"
if [ ! -s "$partial" ]; then
	echo "No backup made: the skill wrote nothing." >&2
	exit 1
fi
mv "$partial" "backups/our-rituals-$(date -u +%Y%m%d-%H%M%S).db"
ls backups | grep -E '^our-rituals-[0-9]{8}-[0-9]{6}\.db$' | sort -r | tail -n +31 | while read -r old; do
	rm -f "backups/$old"
done
