import * as stackTrace from 'cdktf/lib/tokens/private/stack-trace';

// cdktf records the full call stack of every token it creates, for an error message that names where a bad token
// came from. In tests every frame of those stacks is mapped back to TypeScript through source maps: stack tests take
// three to four times as long.
// Tests assert on synthesized output, not on those messages, so they record none.
(stackTrace as { captureStackTrace: () => string[] }).captureStackTrace = () => [];
