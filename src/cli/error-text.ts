/**
 * The text `pfe` prints for an error: the library's message, without the second copy of a
 * path that Node's system errors append ("…: ENOENT: no such file or directory, open 'x.jpg'"
 * after a message that already names x.jpg).
 */

/** Node's system-error suffix: `, <syscall> '<path>'` (and `-> '<dest>'` for two-path calls). */
const SYSCALL_SUFFIX = /, (?:open|stat|lstat|scandir|opendir|mkdir|rmdir|access|read|write|unlink|rename|copyfile|realpath) '([^']*)'(?: -> '[^']*')?/g;

/** Readable names of the system error codes a user meets most. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
};

/**
 * `message` with Node's repeated path removed where the rest of the message names it, and
 * then "ENOENT: no such file or directory" at the end of a clause put in plain words. A
 * message whose only copy of the path is Node's suffix is left as it is.
 */
export function cliErrorText(message: string): string {
  const withoutRepeat = message.replace(SYSCALL_SUFFIX, (suffix: string, p: string) => (message.replace(suffix, '').includes(p) ? '' : suffix));
  return withoutRepeat.replace(/\b(E[A-Z]+): [a-z ,]+?(?=$|[.;)\n])/g, (all: string, code: string) => ERRNO_TEXT[code] ?? all);
}
