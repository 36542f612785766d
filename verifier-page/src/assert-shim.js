// circomlibjs's Poseidon imports Node's "assert"; in the page it is this.
export default function assert(condition, message) {
  if (!condition) throw new Error(message ?? "assertion failed");
}
