# Empty compiler generated dependencies file for nuflare_catch_mpi_main.
# This may be replaced when dependencies are built.
