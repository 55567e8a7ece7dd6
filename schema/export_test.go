package schema

// SetBatchLiveWrites turns the batching of a connection's queued messages
// on or off for the connections accepted from now on (the fan-out
// benchmark compares the two).
func SetBatchLiveWrites(on bool) { noLiveBatching.Store(!on) }
