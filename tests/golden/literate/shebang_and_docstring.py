#!/usr/bin/env python3
"""A module docstring.

# This line is inside the docstring, so it is code.
"""
# Prose after the docstring.
print("# not a comment")
