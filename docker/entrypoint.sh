#!/usr/bin/env bash
# Entrypoint of the Haeryu Docker image (docker/Dockerfile); runs just as well outside a container, from the
# install it sits in: <install>/docker/entrypoint.sh starts <install>/bin/haeryu server in the foreground (exec, so
# the broker is the process that gets the container's SIGTERM).
#
# Configuration, each later source winning: <install>/config/server.properties; KAFKA_* variables the way the
# Apache Kafka and Confluent images read them (KAFKA_BROKER_ID=1 is broker.id=1, KAFKA_LOG_DIRS is log.dirs,
# '__' stands for '_' and '___' for '-'); the same names under HAERYU_*; then the arguments given to this script
# (e.g. --override key=value). Without KAFKA_ZOOKEEPER_CONNECT the broker runs its own embedded ZooKeeper.
# JVM settings come from HAERYU_HEAP_OPTS and HAERYU_OPTS; server.log goes to HAERYU_LOG_DIR (see bin/haeryu).
set -euo pipefail

HAERYU_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$HAERYU_HOME/bin/haeryu" server --env-config "$@"
