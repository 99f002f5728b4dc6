#!/bin/sh
# Generate configure and the Makefile.in files (nothing generated is committed).
set -e
cd "$(dirname "$0")"
autoreconf --force --install --warnings=all,no-portability
echo "Now run ./configure (see ./configure --help), then make."
