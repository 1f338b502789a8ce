# First paragraph of the prose.

# Second paragraph, after a blank line.
#
# Third, after an empty comment line.
value = 1

total = value + 1  # a trailing comment stays code
