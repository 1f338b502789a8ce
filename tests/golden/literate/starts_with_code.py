import os
print(os.getcwd())

# Now a comment.
x = 1
