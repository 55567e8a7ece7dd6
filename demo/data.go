package demo

import "strings"

// centre is a demo ASAN xidmət centre. Large centres offer every position.
type centre struct {
	name, city, address string
	large               bool
}

// centres are plausible single-window centres in real Azerbaijani cities;
// the addresses are made up for the demo.
var centres = []centre{
	{"Bakı 1 saylı ASAN xidmət mərkəzi", "Bakı", "Heydər Əliyev prospekti 115, Nərimanov rayonu", true},
	{"Bakı 2 saylı ASAN xidmət mərkəzi", "Bakı", "Mərdanov qardaşları küçəsi 2, Yasamal rayonu", true},
	{"Bakı 3 saylı ASAN xidmət mərkəzi", "Bakı", "Ziya Bünyadov prospekti 1, Binəqədi rayonu", true},
	{"Bakı 4 saylı ASAN xidmət mərkəzi", "Bakı", "Qara Qarayev prospekti 44, Nizami rayonu", true},
	{"Bakı 5 saylı ASAN xidmət mərkəzi", "Bakı", "Bülbül prospekti 38, Səbail rayonu", true},
	{"Bakı 6 saylı ASAN xidmət mərkəzi", "Bakı", "Sabunçu şosesi 12, Sabunçu rayonu", false},
	{"Sumqayıt ASAN xidmət mərkəzi", "Sumqayıt", "Sülh küçəsi 1A", true},
	{"Gəncə ASAN xidmət mərkəzi", "Gəncə", "Heydər Əliyev prospekti 219", true},
	{"Mingəçevir ASAN xidmət mərkəzi", "Mingəçevir", "Heydər Əliyev prospekti 40", false},
	{"Şəki ASAN xidmət mərkəzi", "Şəki", "Mirzə Fətəli Axundzadə prospekti 12", false},
	{"Quba ASAN xidmət mərkəzi", "Quba", "Heydər Əliyev prospekti 161", false},
	{"Lənkəran ASAN xidmət mərkəzi", "Lənkəran", "Heydər Əliyev prospekti 57", false},
	{"Şamaxı ASAN xidmət mərkəzi", "Şamaxı", "Nizami küçəsi 20", false},
	{"Şirvan ASAN xidmət mərkəzi", "Şirvan", "Azadlıq prospekti 2", false},
	{"Naxçıvan ASAN xidmət mərkəzi", "Naxçıvan", "Atatürk küçəsi 10", true},
	{"Qəbələ ASAN xidmət mərkəzi", "Qəbələ", "Qutqaşınlı küçəsi 15", false},
	{"Zaqatala ASAN xidmət mərkəzi", "Zaqatala", "Heydər Əliyev prospekti 85", false},
	{"Yevlax ASAN xidmət mərkəzi", "Yevlax", "Aşıq Ələsgər küçəsi 3", false},
	{"Bərdə ASAN xidmət mərkəzi", "Bərdə", "Nizami küçəsi 45", false},
	{"Masallı ASAN xidmət mərkəzi", "Masallı", "Azadlıq prospekti 77", false},
}

// position is a demo position; every centre has the basic ones, large
// centres all of them.
type position struct {
	name, description string
	skills            []string
	minimumAge        int
	basic             bool
	// names and descriptions in az and ru (en is the main text).
	az, ru, azDescription, ruDescription string
}

var positions = []position{
	{name: "Reception guide", basic: true,
		description: "Greets citizens at the entrance, finds out what they need and sends them to the right desk.",
		az:          "Qəbul bələdçisi", ru: "Гид на входе",
		azDescription: "Girişdə vətəndaşları qarşılayır, nə lazım olduğunu öyrənir və doğru masaya yönləndirir.",
		ruDescription: "Встречает граждан у входа, выясняет, что им нужно, и направляет к нужному окну."},
	{name: "Queue assistant", basic: true,
		description: "Helps citizens take a ticket at the kiosk and keeps the waiting hall calm and informed.",
		az:          "Növbə köməkçisi", ru: "Помощник по очереди",
		azDescription: "Vətəndaşlara kioskdan bilet götürməyə kömək edir, gözləmə zalında sakitliyi və məlumatlılığı qoruyur.",
		ruDescription: "Помогает гражданам взять талон в киоске и поддерживает спокойствие и порядок в зале ожидания."},
	{name: "Language support", skills: []string{"English B2"},
		description: "Helps foreign visitors in English (and Russian where needed) through their applications.",
		az:          "Dil dəstəyi", ru: "Языковая поддержка",
		azDescription: "Xarici ziyarətçilərə müraciətlərində ingilis (lazım olduqda rus) dilində kömək edir.",
		ruDescription: "Помогает иностранным посетителям с заявлениями на английском (и при необходимости на русском) языке."},
	{name: "Elderly and disabled assistance", basic: true,
		description: "Accompanies elderly and disabled citizens from the door to the desk and back.",
		az:          "Yaşlılara və əlilliyi olanlara yardım", ru: "Помощь пожилым и людям с инвалидностью",
		azDescription: "Yaşlı və əlilliyi olan vətəndaşları qapıdan masaya qədər və geri müşayiət edir.",
		ruDescription: "Сопровождает пожилых граждан и людей с инвалидностью от входа до окна и обратно."},
	{name: "E-services helper", minimumAge: 18,
		description: "Shows citizens how to use the e-services terminals and the mygov portal; handles personal data, so adults only.",
		az:          "E-xidmətlər köməkçisi", ru: "Помощник по электронным услугам",
		azDescription: "Vətəndaşlara e-xidmət terminallarından və mygov portalından istifadəni göstərir; şəxsi məlumatlarla işləyir, ona görə yalnız böyüklər.",
		ruDescription: "Показывает гражданам, как пользоваться терминалами электронных услуг и порталом mygov; работает с персональными данными, поэтому только для взрослых."},
}

// cityNames are the demo cities in English and Russian.
var cityNames = map[string][2]string{
	"Bakı": {"Baku", "Баку"}, "Sumqayıt": {"Sumgait", "Сумгаит"}, "Gəncə": {"Ganja", "Гянджа"},
	"Mingəçevir": {"Mingachevir", "Мингечевир"}, "Şəki": {"Shaki", "Шеки"}, "Quba": {"Guba", "Губа"},
	"Lənkəran": {"Lankaran", "Ленкорань"}, "Şamaxı": {"Shamakhi", "Шамахы"}, "Şirvan": {"Shirvan", "Ширван"},
	"Naxçıvan": {"Nakhchivan", "Нахчыван"}, "Qəbələ": {"Gabala", "Габала"}, "Zaqatala": {"Zagatala", "Загатала"},
	"Yevlax": {"Yevlakh", "Евлах"}, "Bərdə": {"Barda", "Барда"}, "Masallı": {"Masalli", "Масаллы"},
}

// translations are a demo centre's names and descriptions in az, en and ru.
func (c centre) translations() (names, descriptions map[string]string) {
	city := cityNames[c.city]
	en, ru := "ASAN Service centre, "+city[0], "Центр «ASAN xidmət», "+city[1]
	// "Bakı 1 saylı …": numbered centres of a city.
	if n, _, ok := strings.Cut(strings.TrimPrefix(c.name, c.city+" "), " saylı"); ok {
		en, ru = "ASAN Service centre No. "+n+", "+city[0], "Центр «ASAN xidmət» № "+n+", "+city[1]
	}
	kind := map[bool][3]string{
		true:  {"Böyük mərkəz: bütün vəzifələr üzrə könüllülər lazımdır.", "A large centre: volunteers are needed in every position.", "Большой центр: волонтёры нужны на всех позициях."},
		false: {"Kiçik mərkəz: qəbul, növbə və yaşlılara yardım üzrə könüllülər lazımdır.", "A smaller centre: volunteers are needed at reception, in the queue and to assist the elderly.", "Небольшой центр: волонтёры нужны на входе, в очереди и для помощи пожилым."},
	}[c.large]
	return map[string]string{"az": c.name, "en": en, "ru": ru},
		map[string]string{"az": "Dövlət xidmətləri bir pəncərədə, " + c.city + ". " + kind[0],
			"en": "Public services under one roof in " + city[0] + ". " + kind[1],
			"ru": "Государственные услуги в одном окне, " + city[1] + ". " + kind[2]}
}

var femaleNames = []string{
	"Aysel", "Leyla", "Günel", "Nərmin", "Aytən", "Nigar", "Səbinə", "Fidan", "Lalə", "Nurlana",
	"Aynur", "Sevinc", "Gülnar", "Ülviyyə", "Könül", "Arzu", "Xədicə", "Zəhra", "Aygün", "Türkan",
	"Şəbnəm", "Ləman", "Nərgiz", "Elnarə", "Samirə", "Jalə", "Məryəm", "Aida", "Ayan", "Nuray",
	"Fatimə", "Gülşən", "Pərvin", "Rəna", "Səidə", "Təranə", "Vüsalə", "Zərifə", "İlahə", "Kamilə",
}

var maleNames = []string{
	"Tural", "Elvin", "Rəşad", "Orxan", "Kamran", "Ramin", "Elçin", "Vüqar", "Nicat", "Fərid",
	"Murad", "Əli", "Hüseyn", "Emin", "İlkin", "Səməd", "Cavid", "Elnur", "Rüstəm", "Toğrul",
	"Anar", "Samir", "Ruslan", "Kənan", "Ülvi", "Fuad", "Nurlan", "Şahin", "Eldar", "Zaur",
	"Mahir", "Rauf", "Elşən", "Cəlal", "Ayxan", "Yusif", "Nihad", "Pərviz", "Rəhim", "Həsən",
}

// surnames are masculine (-ov, -yev); the feminine form adds -a.
var surnames = []string{
	"Məmmədov", "Əliyev", "Hüseynov", "Həsənov", "Quliyev", "İsmayılov", "Abdullayev", "Rəhimov",
	"Kərimov", "Nəsirov", "Süleymanov", "Cəfərov", "Babayev", "Vəliyev", "Mustafayev", "Orucov",
	"Əhmədov", "Qasımov", "Rzayev", "Sadıqov", "Hacıyev", "Bayramov", "Novruzov", "Musayev",
	"Səfərov", "İbrahimov", "Məlikov", "Zeynalov", "Allahverdiyev", "Nağıyev", "Şükürov", "Qəhrəmanov",
}

// unisexSurnames are the same for women and men.
var unisexSurnames = []string{"Əlizadə", "Hüseynzadə", "Quluzadə", "Məmmədli", "Hüseynli", "Əsgərli", "Bağırlı"}

var phonePrefixes = []string{"50", "51", "55", "70", "77", "99", "10"}

// ascii spells an Azerbaijani name with Latin letters for an e-mail address.
var ascii = strings.NewReplacer(
	"ə", "e", "Ə", "e", "ö", "o", "Ö", "o", "ü", "u", "Ü", "u", "ş", "sh", "Ş", "sh",
	"ç", "ch", "Ç", "ch", "ğ", "g", "Ğ", "g", "ı", "i", "İ", "i",
)

func emailLocal(s string) string { return strings.ToLower(ascii.Replace(s)) }
