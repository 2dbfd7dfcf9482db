package assets

import (
	"encoding/json"
	"fmt"
	"io/fs"

	"fupinpos/pos"
)

// DemoCatalogue returns the demo catalogue of Anhui poverty-area products.
func DemoCatalogue() (*pos.Catalogue, error) {
	var c pos.Catalogue
	if err := readDemo("demo/catalogue.json", &c); err != nil {
		return nil, err
	}
	return &c, c.Validate()
}

// DemoUnits returns the demo issuing work units.
func DemoUnits() ([]pos.WorkUnit, error) {
	var u struct {
		Units []pos.WorkUnit `json:"units"`
	}
	err := readDemo("demo/units.json", &u)
	return u.Units, err
}

// DemoCampaign returns the 2020 campaign of the notice: issue until 08-31,
// redeem until 10-31 (CST), ¥300 per person.
func DemoCampaign() (*pos.Campaign, error) {
	var c pos.Campaign
	err := readDemo("demo/campaign.json", &c)
	return &c, err
}

func readDemo(name string, v any) error {
	b, err := fs.ReadFile(Demo, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", name, err)
	}
	return nil
}
