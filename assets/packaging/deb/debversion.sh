#!/bin/sh
# debversion.sh GIT_DESCRIBE: the Debian version of a release string from
# `git describe --tags --always --dirty` (with the leading v removed).
#   0.9.0                  -> 0.9.0
#   0.9.0-3-gabc1234       -> 0.9.0+3.gabc1234   (after 0.9.0, before 0.9.1)
#   0.9.0-3-gabc1234-dirty -> 0.9.0+3.gabc1234.dirty
#   0.9.0-dirty            -> 0.9.0+dirty
#   1.0.0-rc1              -> 1.0.0~rc1          (before 1.0.0)
#   abc1234 (no tag)       -> 0.0.0+gabc1234
v=${1#v}
v=$(printf '%s\n' "$v" | sed -E \
	-e 's/-([0-9]+)-g([0-9a-f]+)(-dirty)?$/+\1.g\2\3/' \
	-e 's/\+(.*)-dirty$/+\1.dirty/' \
	-e 's/-dirty$/+dirty/' \
	-e 's/-/~/g')
case $v in
[0-9]*) ;;
'') v=0.0.0 ;;
*) v="0.0.0+g$v" ;;
esac
printf '%s\n' "$v" | tr -cd 'A-Za-z0-9.+~\n'
