# Empty dependencies file for nuflare_catch_main.
# This may be replaced when dependencies are built.
