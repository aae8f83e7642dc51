// The legacy twin of guests/c/wasi-probe: a plain wasi-libc command (core
// module, `_start` calls main) probing what its WASI host grants. The first
// argument picks the probe; results go to stdout, errors to stderr as
// strerror(errno) with exit status 1. Without arguments it prints a usage
// line to stderr and exits with status 2.
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fail(void) {
  fprintf(stderr, "%s\n", strerror(errno));
  return 1;
}

// Copies `in` to stdout; returns 0, or 1 on a read error.
static int copy_out(FILE *in) {
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, stdout);
  return ferror(in) ? fail() : 0;
}

static int read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return fail();
  int status = copy_out(file);
  fclose(file);
  return status;
}

// Reads `path` from byte `offset` on (fseek → fd_seek).
static int read_from(const char *path, long offset) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return fail();
  if (fseek(file, offset, SEEK_SET) != 0) {
    int status = fail();
    fclose(file);
    return status;
  }
  int status = copy_out(file);
  fclose(file);
  return status;
}

static int write_file(const char *path, const char *contents, const char *mode) {
  FILE *file = fopen(path, mode);
  if (file == NULL) return fail();
  size_t len = strlen(contents);
  int ok = fwrite(contents, 1, len, file) == len;
  if (fclose(file) != 0) ok = 0;
  return ok ? 0 : fail();
}

static int list_dir(const char *path) {
  DIR *dir = opendir(path);
  if (dir == NULL) return fail();
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) printf("%s\n", entry->d_name);
  }
  closedir(dir);
  return 0;
}

static int print_env(const char *name) {
  const char *value = getenv(name);
  if (value == NULL) return 3;
  printf("%s\n", value);
  return 0;
}

static int print_time(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return fail();
  printf("%lld\n", (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);
  return 0;
}

static int print_random(void) {
  unsigned char bytes[16];
  if (getentropy(bytes, sizeof bytes) != 0) return fail();
  for (size_t i = 0; i < sizeof bytes; i++) printf("%02x", bytes[i]);
  printf("\n");
  return 0;
}

// Sets both times of `path` to `seconds` since the epoch (utimensat → path_filestat_set_times).
static int touch(const char *path, long long seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  return utimensat(AT_FDCWD, path, times, 0) == 0 ? 0 : fail();
}

static int print_mtime(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return fail();
  printf("%lld\n", (long long) st.st_mtim.tv_sec);
  return 0;
}

static int print_link(const char *path) {
  char target[256];
  ssize_t n = readlink(path, target, sizeof target - 1);
  if (n < 0) return fail();
  target[n] = '\0';
  printf("%s\n", target);
  return 0;
}

// Sleeps `ms` milliseconds (nanosleep → poll_oneoff with a clock subscription).
static int sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  return nanosleep(&ts, NULL) == 0 ? 0 : fail();
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: wasi-probe <read|read-from|write|append|rm|mkdir|list|symlink|link|readlink|touch|mtime|env|args|print|eprint|stdin|now|sleep|random|exit> ...\n");
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "read") == 0 && argc == 3) return read_file(argv[2]);
  if (strcmp(cmd, "read-from") == 0 && argc == 4) return read_from(argv[2], atol(argv[3]));
  if (strcmp(cmd, "write") == 0 && argc == 4) return write_file(argv[2], argv[3], "wb");
  if (strcmp(cmd, "append") == 0 && argc == 4) return write_file(argv[2], argv[3], "ab");
  if (strcmp(cmd, "rm") == 0 && argc == 3) return unlink(argv[2]) == 0 ? 0 : fail();
  if (strcmp(cmd, "mkdir") == 0 && argc == 3) return mkdir(argv[2], 0777) == 0 ? 0 : fail();
  if (strcmp(cmd, "list") == 0 && argc == 3) return list_dir(argv[2]);
  if (strcmp(cmd, "symlink") == 0 && argc == 4) return symlink(argv[2], argv[3]) == 0 ? 0 : fail();
  if (strcmp(cmd, "link") == 0 && argc == 4) return link(argv[2], argv[3]) == 0 ? 0 : fail();
  if (strcmp(cmd, "readlink") == 0 && argc == 3) return print_link(argv[2]);
  if (strcmp(cmd, "touch") == 0 && argc == 4) return touch(argv[2], atoll(argv[3]));
  if (strcmp(cmd, "mtime") == 0 && argc == 3) return print_mtime(argv[2]);
  if (strcmp(cmd, "env") == 0 && argc == 3) return print_env(argv[2]);
  if (strcmp(cmd, "args") == 0) {
    for (int i = 0; i < argc; i++) printf("%s\n", argv[i]);
    return 0;
  }
  if (strcmp(cmd, "print") == 0 && argc == 3) return puts(argv[2]) < 0 ? fail() : 0;
  if (strcmp(cmd, "eprint") == 0 && argc == 3) return fputs(argv[2], stderr) < 0 ? fail() : 0;
  if (strcmp(cmd, "stdin") == 0) return copy_out(stdin);
  if (strcmp(cmd, "now") == 0) return print_time();
  if (strcmp(cmd, "sleep") == 0 && argc == 3) return sleep_ms(atol(argv[2]));
  if (strcmp(cmd, "random") == 0) return print_random();
  if (strcmp(cmd, "exit") == 0 && argc == 3) exit(atoi(argv[2]));
  fprintf(stderr, "wasi-probe: unknown probe or wrong argument count: %s\n", cmd);
  return 2;
}
