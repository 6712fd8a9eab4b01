#!/bin/sh
# Installs the shared toolchain baked into the golden image.
set -eu
apt-get update
apt-get install -y --no-install-recommends build-essential
