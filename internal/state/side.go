package state

import "sync"

// sideReads runs reads that need nothing from each other at the same time,
// so that each costs a call but none a round trip of its own; wait returns
// the first error in the order they were started.
type sideReads struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []*error
}

func (s *sideReads) run(read func() error) {
	err := new(error)
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		*err = read()
	}()
}

// wait waits for every read started so far; it may be called again.
func (s *sideReads) wait() error {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, err := range s.errs {
		if *err != nil {
			return *err
		}
	}
	return nil
}
