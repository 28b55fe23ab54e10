//! The demo world: two marketplaces, their merchants, agents, customers and
//! products, and the texts people write. Fixed data, so every seed is alike.

use claimdesk_shared::Reason;

pub struct MarketplaceSeed {
    pub id: i64,
    pub name: &'static str,
    pub currency: &'static str,
    pub locale: &'static str,
    pub time_zone: &'static str,
    pub country: &'static str,
    pub high_value_threshold_minor: i64,
    pub auto_refund_cap_minor: i64,
    /// Days after delivery a problem may be reported.
    pub reporting_window_days: i64,
    pub order_prefix: &'static str,
    /// Wholesale buyers order more of each line.
    pub wholesale: bool,
}

pub const MARKETPLACES: [MarketplaceSeed; 2] = [
    MarketplaceSeed {
        id: 1,
        name: "Fyndmarknad",
        currency: "SEK",
        locale: "sv",
        time_zone: "Europe/Stockholm",
        country: "SE",
        high_value_threshold_minor: 80_000,
        auto_refund_cap_minor: 150_000,
        reporting_window_days: 30,
        order_prefix: "FM-",
        wholesale: false,
    },
    MarketplaceSeed {
        id: 2,
        name: "Groothandel Plein",
        currency: "EUR",
        locale: "nl",
        time_zone: "Europe/Amsterdam",
        country: "NL",
        high_value_threshold_minor: 50_000,
        auto_refund_cap_minor: 100_000,
        reporting_window_days: 14,
        order_prefix: "GP-",
        wholesale: true,
    },
];

pub struct MerchantSeed {
    pub id: i64,
    pub marketplace_id: i64,
    pub name: &'static str,
    pub sku_prefix: &'static str,
    /// Where returns go (the return label's "To").
    pub return_address: &'static str,
    /// Two agents: (name, email, locale).
    pub agents: [(&'static str, &'static str, &'static str); 2],
    /// (title, unit price in minor units).
    pub products: [(&'static str, i64); 6],
}

pub const MERCHANTS: [MerchantSeed; 5] = [
    MerchantSeed {
        id: 1,
        marketplace_id: 1,
        name: "Nordic Home AB",
        sku_prefix: "NH",
        return_address: "Returer, Lagervägen 12, 212 41 Malmö",
        agents: [
            ("Anna Lindqvist", "anna@nordichome.example", "en"),
            ("Erik Sjöberg", "erik@nordichome.example", "sv"),
        ],
        products: [
            ("Linen duvet cover 150×210", 59_900),
            ("Stoneware mug set (4)", 34_900),
            ("Oak serving board", 44_900),
            ("Wool throw blanket", 89_900),
            ("Ceramic table lamp", 129_900),
            ("Glass carafe 1 l", 24_900),
        ],
    },
    MerchantSeed {
        id: 2,
        marketplace_id: 1,
        name: "Lumo Electronics",
        sku_prefix: "LE",
        return_address: "Returavdelningen, Industrigatan 7, 417 07 Göteborg",
        agents: [
            ("Sara Nilsson", "sara@lumo.example", "sv"),
            ("Johan Ek", "johan@lumo.example", "en"),
        ],
        products: [
            ("Wireless earbuds Pro", 99_900),
            ("USB-C charger 65 W", 39_900),
            ("Smart LED bulb (3-pack)", 29_900),
            ("Bluetooth speaker Mini", 64_900),
            ("Noise-cancelling headphones", 249_900),
            ("Fitness tracker band", 79_900),
        ],
    },
    MerchantSeed {
        id: 3,
        marketplace_id: 1,
        name: "Fjäll Outdoor",
        sku_prefix: "FO",
        return_address: "Returer, Fjällgatan 3, 831 32 Östersund",
        agents: [
            ("Maja Holm", "maja@fjalloutdoor.example", "sv"),
            ("Olle Berg", "olle@fjalloutdoor.example", "sv"),
        ],
        products: [
            ("Trail running shoes", 139_900),
            ("Down jacket", 219_900),
            ("Merino base layer", 69_900),
            ("Hiking backpack 30 l", 119_900),
            ("Thermal bottle 0.75 l", 29_900),
            ("Trekking poles (pair)", 89_900),
        ],
    },
    MerchantSeed {
        id: 4,
        marketplace_id: 2,
        name: "Tulp & Co",
        sku_prefix: "TC",
        return_address: "Retouren, Havenweg 21, 3542 AD Utrecht",
        agents: [
            ("Daan Visser", "daan@tulpco.example", "nl"),
            ("Sanne de Boer", "sanne@tulpco.example", "en"),
        ],
        products: [
            ("Tulip bulbs crate (100)", 4_500),
            ("Ceramic vase set (6)", 7_800),
            ("Scented candle box (12)", 5_400),
            ("Linen napkins (24)", 6_600),
            ("Wicker basket set (4)", 8_800),
            ("Dried flower bundle (10)", 3_900),
        ],
    },
    MerchantSeed {
        id: 5,
        marketplace_id: 2,
        name: "Studio Klei",
        sku_prefix: "SK",
        return_address: "Retouren, Kleiweg 5, 3051 GJ Rotterdam",
        agents: [
            ("Femke Bakker", "femke@studioklei.example", "nl"),
            ("Ruben Smit", "ruben@studioklei.example", "nl"),
        ],
        products: [
            ("Stoneware plates (12)", 9_600),
            ("Espresso cups (24)", 8_400),
            ("Serving bowl large (6)", 10_200),
            ("Glazed planter (8)", 7_200),
            ("Butter dish (10)", 5_500),
            ("Salt pig (12)", 4_800),
        ],
    },
];

/// Support agents: (marketplace, name, email, locale).
pub const SUPPORT: [(i64, &str, &str, &str); 2] = [
    (1, "Karin Berg", "support@fyndmarknad.example", "en"),
    (2, "Pieter de Vries", "support@plein.example", "nl"),
];

/// Consumers of the Swedish marketplace: (name, email, address). The first
/// is the demo customer.
pub const CONSUMERS: [(&str, &str, &str); 12] = [
    (
        "Lisa Andersson",
        "lisa@kund.example",
        "Storgatan 12, 111 22 Stockholm",
    ),
    (
        "Oskar Johansson",
        "oskar.johansson@kund.example",
        "Vasagatan 3, 411 24 Göteborg",
    ),
    (
        "Elin Karlsson",
        "elin.karlsson@kund.example",
        "Kungsgatan 45, 753 21 Uppsala",
    ),
    (
        "Nils Persson",
        "nils.persson@kund.example",
        "Södra Förstadsgatan 8, 211 43 Malmö",
    ),
    (
        "Ebba Svensson",
        "ebba.svensson@kund.example",
        "Drottninggatan 19, 702 10 Örebro",
    ),
    (
        "Hugo Gustafsson",
        "hugo.gustafsson@kund.example",
        "Ågatan 5, 582 22 Linköping",
    ),
    (
        "Alva Larsson",
        "alva.larsson@kund.example",
        "Nygatan 27, 903 27 Umeå",
    ),
    (
        "Liam Olsson",
        "liam.olsson@kund.example",
        "Stora Torget 2, 722 15 Västerås",
    ),
    (
        "Wilma Eriksson",
        "wilma.eriksson@kund.example",
        "Järnvägsgatan 11, 252 24 Helsingborg",
    ),
    (
        "Axel Pettersson",
        "axel.pettersson@kund.example",
        "Slottsgatan 7, 602 22 Norrköping",
    ),
    (
        "Freja Jonsson",
        "freja.jonsson@kund.example",
        "Östra Storgatan 30, 553 21 Jönköping",
    ),
    (
        "Theo Magnusson",
        "theo.magnusson@kund.example",
        "Skolgatan 14, 972 33 Luleå",
    ),
];

/// Retailers of the Dutch wholesale marketplace: (name, email, company,
/// address). The first is the demo retailer.
pub const RETAILERS: [(&str, &str, &str, &str); 8] = [
    (
        "Bram Jansen",
        "bram@dewinkel.example",
        "De Winkel BV",
        "Oudegracht 112, 3511 AX Utrecht",
    ),
    (
        "Lotte de Jong",
        "lotte@lotteliving.example",
        "Lotte's Living",
        "Haarlemmerstraat 54, 1013 ES Amsterdam",
    ),
    (
        "Sem van Dijk",
        "sem@vandijkinterieur.example",
        "Van Dijk Interieur",
        "Witte de Withstraat 21, 3012 BL Rotterdam",
    ),
    (
        "Noor Bos",
        "noor@bosenbloem.example",
        "Bos & Bloem",
        "Grote Markt 9, 9711 LV Groningen",
    ),
    (
        "Julia Meijer",
        "julia@meijercadeaus.example",
        "Meijer Cadeaus",
        "Stratumseind 40, 5611 ET Eindhoven",
    ),
    (
        "Thijs Mulder",
        "thijs@muldermode.example",
        "Mulder Mode",
        "Lange Poten 12, 2511 CL Den Haag",
    ),
    (
        "Eva de Graaf",
        "eva@graafwonen.example",
        "Graaf Wonen",
        "Vismarkt 3, 3581 KT Utrecht",
    ),
    (
        "Lucas Vos",
        "lucas@vosconcept.example",
        "Vos Concept Store",
        "Breestraat 77, 2311 CK Leiden",
    ),
];

/// What the customer writes when reporting, in the marketplace's language.
pub fn description(reason: Reason, locale: &str, product: &str) -> String {
    let sv = locale == "sv";
    match reason {
        Reason::ChangedMind if sv => format!("Jag har ångrat köpet av {product} och vill returnera den. Den är oanvänd i originalförpackningen."),
        Reason::ChangedMind => format!("We willen {product} retourneren; de klanten in onze winkel kozen een andere kleur."),
        Reason::Damaged if sv => format!("{product} kom fram trasig, kartongen var intryckt. Se bifogade bilder."),
        Reason::Damaged => format!("De doos met {product} was beschadigd bij aankomst; een deel is gebroken. Zie foto's."),
        Reason::Defective if sv => format!("{product} slutade fungera efter två veckor. Den går inte att starta alls."),
        Reason::Defective => format!("Een deel van de {product} heeft een productiefout, zie de foto's."),
        Reason::MissingItems if sv => format!("Paketet kom men {product} saknades i leveransen."),
        Reason::MissingItems => format!("In de levering ontbrak {product}; de pakbon vermeldt het wel."),
        Reason::WrongGoods if sv => format!("Jag fick fel vara – beställde {product} men fick något helt annat."),
        Reason::WrongGoods => format!("We ontvingen een ander artikel dan {product}."),
        Reason::NotAsDescribed if sv => format!("{product} ser inte ut som på bilden, färgen är en helt annan."),
        Reason::NotAsDescribed => format!("{product} wijkt af van de productbeschrijving (afmetingen kloppen niet)."),
        Reason::InvoiceIncorrect if sv => "Fakturan stämmer inte med beställningen, jag har debiterats två gånger.".to_owned(),
        Reason::InvoiceIncorrect => "Het factuurbedrag klopt niet met de bestelling; de korting ontbreekt.".to_owned(),
        Reason::DeliveryLate if sv => "Leveransen är över en vecka sen och spårningen har inte uppdaterats.".to_owned(),
        Reason::DeliveryLate => "De levering is ruim een week te laat en de track & trace staat stil.".to_owned(),
        Reason::Other if sv => "Jag har en fråga om min beställning som inte passar något av alternativen.".to_owned(),
        Reason::Other => "Ik heb een vraag over mijn bestelling die niet in de andere categorieën past.".to_owned(),
    }
}

/// The merchant asks for more information.
pub fn merchant_question(locale: &str) -> &'static str {
    if locale == "sv" {
        "Tack för att du hörde av dig! Kan du skicka en bild på produkten och förpackningen?"
    } else {
        "Bedankt voor uw melding. Kunt u een foto sturen van het product en de verpakking?"
    }
}

/// The customer answers the merchant's question.
pub fn customer_answer(locale: &str) -> &'static str {
    if locale == "sv" {
        "Här är bilderna. Hoppas det går att lösa snabbt!"
    } else {
        "Hierbij de foto's. Graag een snelle oplossing."
    }
}

/// The merchant closes or parks the case.
pub fn merchant_decision(locale: &str, status: claimdesk_shared::Status) -> &'static str {
    use claimdesk_shared::Status;
    match (locale == "sv", status) {
        (true, Status::AwaitingReturn) => "Vi har skapat en returetikett åt dig. Skicka tillbaka varan inom 14 dagar så återbetalar vi dig.",
        (false, Status::AwaitingReturn) => "We hebben een retourlabel voor u aangemaakt. Stuur de artikelen binnen 14 dagen terug.",
        (true, Status::Rejected) => "Tyvärr kan vi inte godkänna reklamationen: skadan omfattas inte av garantin.",
        (false, Status::Rejected) => "Helaas kunnen we de claim niet goedkeuren: de schade valt buiten de garantie.",
        (true, _) => "Vi har godkänt ärendet och återbetalat beloppet. Ursäkta besväret!",
        (false, _) => "We hebben de claim goedgekeurd en het bedrag terugbetaald. Excuses voor het ongemak.",
    }
}

/// Support writes while reviewing.
pub fn support_message(locale: &str) -> &'static str {
    if locale == "sv" {
        "Hej! Vi på marknadsplatsens kundtjänst tittar på ditt ärende och återkommer inom två arbetsdagar."
    } else {
        "Hallo! Het supportteam van het platform bekijkt uw melding en reageert binnen twee werkdagen."
    }
}

/// An agent's internal note.
pub fn internal_note(locale: &str) -> &'static str {
    if locale == "sv" {
        "Kunden har reklamerat en gång tidigare i år – kolla historiken innan beslut."
    } else {
        "Klant heeft eerder dit jaar ook een claim ingediend; eerst de historie bekijken."
    }
}

/// Saved answers a desk starts with: (locale, title, body).
pub const QUICK_TEXTS: [(&str, &str, &str); 6] = [
    ("sv", "Be om bild", "Hej {customer_name}! Tack för att du hörde av dig om order {order_number}. Kan du skicka en bild på produkten och förpackningen? Vänliga hälsningar, {agent_name}, {merchant_name}"),
    ("sv", "Retur godkänd", "Hej {customer_name}! Vi har godkänt returen i ärende {case_id}. Du får en returetikett i nästa meddelande. Hälsningar, {agent_name}"),
    ("nl", "Foto vragen", "Beste {customer_name}, bedankt voor uw melding over bestelling {order_number}. Kunt u een foto sturen van het product en de verpakking? Met vriendelijke groet, {agent_name}, {merchant_name}"),
    ("nl", "Retour goedgekeurd", "Beste {customer_name}, de retour voor melding {case_id} is goedgekeurd. U ontvangt het retourlabel in het volgende bericht. Groet, {agent_name}"),
    ("en", "Ask for a photo", "Hi {customer_name}, thanks for contacting us about order {order_number}. Could you send a photo of the product and its packaging? Kind regards, {agent_name}, {merchant_name}"),
    ("en", "Refund on its way", "Hi {customer_name}, we have refunded case {case_id}. You will see the money within a few days. Kind regards, {agent_name}"),
];
