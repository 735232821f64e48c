file(REMOVE_RECURSE
  "libnuflare.a"
)
