#!/usr/bin/env bash
set -euo pipefail

# Counting arguments: `$#` and `${#x}` are not comments, nor is a#b.
echo "args: $#" ${#HOME} "two
# lines"
echo a#b 'one
# more'
url="nats://127.0.0.1:4222" # a trailing comment with a quote: don't
ls # don't open a string here

# A heredoc whose lines look like comments.
cat <<EOF
# not prose: inside the heredoc
EOF
cat <<-'END'
	# not prose either: quoted delimiter, tabs stripped
	END
cat <<"DONE" | sed 's/#/-/'
# still the heredoc
DONE

# Quotes that span lines.
nats pub greet 'hello
# inside single quotes
'
nats pub greet "hello $(echo "nested # quotes")
# inside double quotes
"
echo $((2#101 << 1)) ${HOME##*/} <<< "here # string"

# The end.
echo done
