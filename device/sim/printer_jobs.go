package sim

import (
	"fmt"
	"os"
	"path/filepath"

	"fupinpos/device/escpos"
)

// record queues a finished job for the renderer. Interpreting and PNG
// encoding happen off the connection, so status answers stay immediate, as
// a real printer's real-time commands do.
func (s *PrinterSim) record(data []byte, cut, paperOut, dropped bool) {
	s.mu.Lock()
	s.next++
	n := s.next
	s.mu.Unlock()
	s.render <- PrinterJob{N: n, Data: data, Cut: cut, PaperOut: paperOut, Dropped: dropped}
}

// renderer interprets queued jobs in order and writes their files.
func (s *PrinterSim) renderer() {
	defer s.renderWG.Done()
	for job := range s.render {
		s.finishJob(job)
	}
}

// finishJob interprets a job and writes its PNG and .txt.
func (s *PrinterSim) finishJob(job PrinterJob) {
	n, data, cut, paperOut, dropped := job.N, job.Data, job.Cut, job.PaperOut, job.Dropped
	doc, err := escpos.Interpret(data, s.cfg.Profile)
	job.Doc = doc
	if err != nil {
		s.logf("job %d: %v", n, err)
	} else if s.cfg.OutDir != "" {
		base := filepath.Join(s.cfg.OutDir, fmt.Sprintf("receipt-%04d", n))
		if png, err := doc.PNG(); err == nil {
			if err := os.WriteFile(base+".png", png, 0o644); err != nil {
				s.logf("job %d: %v", n, err)
			} else {
				job.PNG = base + ".png"
			}
		}
		head := fmt.Sprintf("# job %d: %d bytes, cut=%t paper_out=%t dropped=%t\n", n, len(data), cut, paperOut, dropped)
		if err := os.WriteFile(base+".txt", []byte(head+doc.Transcript()), 0o644); err != nil {
			s.logf("job %d: %v", n, err)
		} else {
			job.TXT = base + ".txt"
		}
	}
	lines := 0
	if doc != nil {
		lines = len(doc.Lines)
	}
	s.logf("job %d: %d bytes, %d lines, cut=%t paper_out=%t dropped=%t %s", n, len(data), lines, cut, paperOut, dropped, job.PNG)
	s.mu.Lock()
	s.jobs = append(s.jobs, job)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}
