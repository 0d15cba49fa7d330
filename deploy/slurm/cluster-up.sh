#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for CI and for trying the job array out:
# installs Debian's slurmctld, slurmd and munge when they are missing, writes a ~20-line
# slurm.conf (this host, its CPU count and memory as slurmd -C reports them) into STATE_DIR,
# starts munged, slurmctld and slurmd, and waits until the node is idle.
# Usage (as root): deploy/slurm/cluster-up.sh STATE_DIR     then: export SLURM_CONF=STATE_DIR/slurm.conf
# Stop it with deploy/slurm/cluster-down.sh STATE_DIR.
set -euo pipefail
state="$(realpath -m "${1:?usage: cluster-up.sh STATE_DIR}")"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if apt-get update -qq && apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null; then break; fi
    echo "apt-get failed (attempt $attempt); retrying in 10 s" >&2
    sleep 10
  done
  command -v slurmctld >/dev/null || { echo "could not install slurmctld, slurmd and munge" >&2; exit 1; }
fi

if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
  echo "a slurmctld or slurmd is already running on this machine; stop it first (cluster-down.sh STATE_DIR for one this script started)" >&2
  exit 1
fi
mkdir -p "$state/ctld" "$state/d" "$state/munge"
chmod 0755 "$state" # the munge user writes its log and pid under it (mktemp -d makes it 0700)
# munged: the package's key (made here if missing), its socket in /run/munge, pid and log under STATE_DIR, run as the munge user.
chown munge:munge "$state/munge"
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
fi
if ! pgrep -x munged >/dev/null; then
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log"
fi

# slurmd -C: "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105"
node="$(slurmd -C | head -1)"
host="$(sed -E 's/^NodeName=([^ ]+).*/\1/' <<<"$node")"
cat > "$state/slurm.conf" <<CONF
ClusterName=dose-escalation-ci
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$state/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
    echo "Slurm is up: $(sinfo -h -o '%P %D node(s) %c CPUs %m MB %T')"
    exit 0
  fi
  sleep 1
done
echo "the Slurm node did not become idle in 60 s; sinfo says: $(sinfo -h 2>&1 || true)" >&2
tail -5 "$state/slurmctld.log" "$state/slurmd.log" >&2 || true
exit 1
