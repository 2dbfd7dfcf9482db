package search_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/search"
)

func demo(t testing.TB) *search.Index {
	t.Helper()
	cat, err := assets.DemoCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return search.New(cat)
}

// skus returns the SKUs of hits, in order.
func skus(hits []search.Hit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Product.SKU)
	}
	return out
}

func TestSearchDemoCatalogue(t *testing.T) {
	ix := demo(t)
	for _, tc := range []struct {
		name, q, cat string
		want         []string
		rank         search.Rank
	}{
		{"initials", "dssl", "", []string{"DS-PEAR-5"}, search.RankInitials},
		{"initials skipping one", "dsl", "", []string{"DS-PEAR-5"}, search.RankInitialsGap},
		{"initials upper case", "DSSL", "", []string{"DS-PEAR-5"}, search.RankInitials},
		{"initials full width", "ｄｓｓｌ", "", []string{"DS-PEAR-5"}, search.RankInitials},
		{"full pinyin", "dangshan", "", []string{"DS-PEAR-5"}, search.RankPrefix},
		{"pinyin with spaces", "dang shan su", "", []string{"DS-PEAR-5"}, search.RankPrefix},
		{"partial syllable", "dangs", "", []string{"DS-PEAR-5"}, search.RankPrefix},
		{"mixed initials and syllables", "dshansl", "", []string{"DS-PEAR-5"}, search.RankPrefix},
		{"hanzi inside the name", "酥梨", "", []string{"DS-PEAR-5"}, search.RankContains},
		{"hanzi prefix", "金寨", "", []string{"JZ-KIWI-12"}, search.RankPrefix},
		{"pinyin inside the name", "mihoutao", "", []string{"JZ-KIWI-12"}, search.RankContains},
		{"barcode", "6937777001012", "", []string{"JZ-KIWI-12"}, search.RankCode},
		{"sku any case", "ds-pear-5", "", []string{"DS-PEAR-5"}, search.RankCode},
		{"english name", "kiwi", "", []string{"JZ-KIWI-12"}, search.RankContains},
		{"category filters", "hs", "茶叶", []string{"HS-HUANGYA-100"}, search.RankInitials},
		{"category excludes", "dsl", "茶叶", []string{}, 0},
		{"no match", "qqqq", "", []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := ix.Search(tc.q, tc.cat, 0)
			if got := skus(hits); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Search(%q, %q) = %v, want %v", tc.q, tc.cat, got, tc.want)
			}
			if len(hits) > 0 && hits[0].Rank != tc.rank {
				t.Errorf("rank %d, want %d", hits[0].Rank, tc.rank)
			}
		})
	}
}

func TestSearchEmptyQueryListsCategory(t *testing.T) {
	ix := demo(t)
	if got, want := skus(ix.Search("", "茶叶", 0)), []string{"YX-CUILAN-250", "HS-HUANGYA-100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tea = %v, want %v", got, want)
	}
	if n := len(ix.Search("", "", 0)); n != len(ix.Catalogue().Products) {
		t.Errorf("all = %d products, want %d", n, len(ix.Catalogue().Products))
	}
	if got := ix.Categories(); len(got) < 3 || got[0] != "水果" || got[1] != "茶叶" {
		t.Errorf("categories = %v", got)
	}
}

func catalogue(names ...string) *pos.Catalogue {
	c := &pos.Catalogue{Version: 1}
	for i, n := range names {
		c.Products = append(c.Products, pos.Product{SKU: fmt.Sprintf("P%02d", i), Name: n, Price: 100, Unit: "个"})
	}
	return c
}

func TestSearchRanking(t *testing.T) {
	ix := search.New(catalogue("山东苹果", "苹果汁", "平谷大桃", "重庆小面", "绿豆 500g", "女儿红", "苹果干脆片"))
	for _, tc := range []struct {
		q    string
		want []string
	}{
		// Initials at the start first (the shorter name first, then
		// catalogue order), then a match further in.
		{"pg", []string{"P01", "P02", "P06", "P00"}},
		{"pingguo", []string{"P01", "P06", "P00"}},
		// Initials with gaps after initials in a row and prefixes.
		{"pgc", []string{"P06"}},
		{"pgp", []string{"P06"}},
		// An exact code first.
		{"p02", []string{"P02"}},
		{"pgd", []string{"P02"}},
		// Heteronyms: 重 is zhong and chong.
		{"cqxm", []string{"P03"}},
		{"zqxm", []string{"P03"}},
		{"chongqing", []string{"P03"}},
		// ü typed as v or u; digits in the name count.
		{"ld500", []string{"P04"}},
		{"lvdou", []string{"P04"}},
		{"ludou", []string{"P04"}},
		{"nver", []string{"P05"}},
		{"500g", []string{"P04"}},
	} {
		if got := skus(ix.Search(tc.q, "", 0)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Search(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	// A less common reading ranks lower: 霍 is huo, rarely suo.
	het := search.New(catalogue("霍山黄芽", "石台米", "寿县豆腐"))
	if got, want := skus(het.Search("s", "", 0)), []string{"P01", "P02", "P00"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Search(s) = %v, want %v", got, want)
	}
	if got, want := skus(het.Search("sshy", "", 0)), []string{"P00"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Search(sshy) = %v, want %v (through 霍's second reading)", got, want)
	}
	hits := ix.Search("pg", "", 2)
	if got := skus(hits); !reflect.DeepEqual(got, []string{"P01", "P02"}) {
		t.Errorf("limit 2 = %v", got)
	}
	if hits[0].Rank != search.RankInitials || hits[1].Rank != search.RankInitials {
		t.Errorf("ranks %d %d", hits[0].Rank, hits[1].Rank)
	}
	if h := ix.Search("苹果", "", 0); len(h) != 3 || h[0].Product.SKU != "P01" || h[2].At != 2 {
		t.Errorf("苹果 = %+v", h)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"ＡＢ１２": "ab12", " Lü Dou ": "lvdou", "砀山\u3000酥梨": "砀山酥梨"} {
		if got := search.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// bigCatalogue makes n products with random 4–8 character names drawn
// from common characters of farm-product names.
func bigCatalogue(n int) *pos.Catalogue {
	chars := []rune("砀山酥梨金寨猕猴桃岳西翠兰霍黄芽石台富硒米寿县八公豆腐干萧葡萄临泉红薯粉丝太湖土蜂蜜阜南柳编果篮利辛小磨香油绿茶大枣核桃花生玉米面条木耳香菇板栗鸡蛋")
	r := rand.New(rand.NewPCG(1, 2))
	c := &pos.Catalogue{Version: 1}
	for i := range n {
		name := make([]rune, 4+r.IntN(5))
		for j := range name {
			name[j] = chars[r.IntN(len(chars))]
		}
		c.Products = append(c.Products, pos.Product{
			SKU: fmt.Sprintf("SKU-%05d", i), EAN: fmt.Sprintf("69%011d", i), Name: string(name) + " 500克",
			Price: pos.Money(100 + r.IntN(10000)), Unit: "袋", Category: []string{"水果", "茶叶", "粮油", "干货"}[i%4],
		})
	}
	return c
}

func TestSearchBigCatalogue(t *testing.T) {
	cat := bigCatalogue(5000)
	cat.Products[4321].Name = "砀山酥梨 5斤装"
	ix := search.New(cat)
	hits := ix.Search("dsl5", "", 20)
	if len(hits) == 0 || hits[0].Product.SKU != "SKU-04321" {
		t.Fatalf("dsl5 = %v", skus(hits))
	}
}

func BenchmarkBuild5000(b *testing.B) {
	cat := bigCatalogue(5000)
	for b.Loop() {
		search.New(cat)
	}
}

// BenchmarkKeystroke5000 searches what a cashier types, one keystroke at
// a time, in a 5,000-product catalogue.
func BenchmarkKeystroke5000(b *testing.B) {
	ix := search.New(bigCatalogue(5000))
	qs := []string{"d", "ds", "dsl", "x", "xi", "xia", "xiang", "xiangy", "xiangyou", "香", "6900000", "SKU-01"}
	for b.Loop() {
		for _, q := range qs {
			ix.Search(q, "", 50)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(qs))/1e6, "ms/keystroke")
}
