// Package client is the terminal's side of sync: enrollment with the
// central server, signed requests over github.com/hashicorp/go-retryablehttp
// (exponential backoff with jitter, Retry-After, timeouts), the upload of
// the outbox in batches, the download of trust list, catalogue and voucher
// status, and a pump that keeps doing both while the app runs.
//
// Records leave the outbox only when the server has answered for them
// (pos/bolt Ack), so a lost answer means the batch is sent again and the
// server answers "duplicate". Downloads are applied in one transaction each.
package client
