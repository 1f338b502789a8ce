# Strings that look like comments stay code.
query = """
# inside a triple-quoted string
"""
raw = r'C:\path\ # still a string'
escaped = "a \"quoted # hash\""
greeting = f"{'#'} {name!r:>{width}} {{# literal braces}}"
# Prose after one-line strings.
doc = '''single ''\' quotes
# still in the string
'''
nested = f"""{ '"""' + "}" }
# inside the f-string
"""
# The end.
print(query, raw, escaped, greeting, doc, nested)
