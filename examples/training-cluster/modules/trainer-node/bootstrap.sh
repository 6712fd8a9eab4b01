#!/bin/sh
# Runs once at first boot.
set -eu
mkdir -p /data
echo "trainer ready" > /var/log/bootstrap.log
