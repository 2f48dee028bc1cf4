import { Testing } from 'cdktf';
import * as stackTrace from 'cdktf/lib/tokens/private/stack-trace';

Testing.setupJest();

// cdktf records the full call stack of every token it creates, for an error message that names where a bad token
// came from. Under jest every frame of those stacks goes through source-map lookups: a third of a stack test's time.
// Tests assert on synthesized output, not on those messages, so they record none.
(stackTrace as { captureStackTrace: () => string[] }).captureStackTrace = () => [];
