// Does nothing: the start-up floor of a process that loads nuflare's libraries
// (bench/startup/run.py compares `nuflare --version` against it).
int main() {
  return 0;
}
