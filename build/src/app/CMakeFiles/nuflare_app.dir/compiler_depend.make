# Empty compiler generated dependencies file for nuflare_app.
# This may be replaced when dependencies are built.
