# Empty dependencies file for nuflare.
# This may be replaced when dependencies are built.
