package demo

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports the steps of a seed: a progress bar on a terminal, a few
// plain lines anywhere else (logs, CI), nothing without a writer.
type progress struct {
	w   io.Writer
	tty bool
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

// step is one counted step of the seed. Its methods are safe for concurrent
// use and do nothing on a nil step.
type step struct {
	p       *progress
	name    string
	total   int
	started time.Time
	bar     *progressbar.ProgressBar

	mu     sync.Mutex
	done   int
	tenths int // plain output: the last tenth reported
}

func (p *progress) start(name string, total int) *step {
	if p == nil {
		return nil
	}
	s := &step{p: p, name: name, total: total, started: time.Now()}
	if p.tty && total > 0 {
		s.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("%-12s", name)),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	}
	return s
}

func (s *step) add(n int) {
	if s == nil {
		return
	}
	if s.bar != nil {
		s.bar.Add(n)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done += n
	// Only long steps get intermediate lines, one per tenth.
	if s.total >= 1000 && s.done < s.total {
		if t := s.done * 10 / s.total; t > s.tenths {
			s.tenths = t
			fmt.Fprintf(s.p.w, "demo: %s %d/%d\n", s.name, s.done, s.total)
		}
	}
}

func (s *step) finish() {
	if s == nil {
		return
	}
	if s.bar != nil {
		s.bar.Finish()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.p.w, "demo: %s %d done in %s\n", s.name, s.total, time.Since(s.started).Round(time.Millisecond))
}
