package notify

// SetBeforeFinish installs a hook that runs after a batch was delivered and
// before its outcome is recorded; returning false abandons the batch, as a
// crash between sending and recording would.
func SetBeforeFinish(d *Dispatcher, f func() bool) { d.beforeFinish = f }
