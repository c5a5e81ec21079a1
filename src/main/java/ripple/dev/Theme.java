package ripple.dev;

import java.util.List;

/**
 * A built-in theme of the synthetic catalogue (a product theme, not a Kafka topic): its category name and the English and Chinese
 * product phrases and adjectives that item texts of the topic are made of. Phrases are chosen
 * so that no topic's product phrase is a substring of another topic's, which keeps the topics
 * separable by a text model.
 */
record Theme(String category,
             List<String> enProducts, List<String> enAdjectives,
             List<String> zhProducts, List<String> zhAdjectives) {

    /**
     * The built-in topics. The first eight are the most clearly distinct, because the default
     * catalogue uses eight; the later ones (outdoor, fashion, home, food) overlap a little with
     * earlier ones, as real categories do.
     */
    static final List<Theme> BUILT_IN = List.of(
            new Theme("sports",
                    List.of("Running Shoes", "Football", "Yoga Mat", "Basketball", "Dumbbell Set",
                            "Tennis Racket", "Jump Rope", "Fitness Tracker Band", "Resistance Bands",
                            "Cycling Jersey", "Badminton Racket", "Gym Gloves"),
                    List.of("Breathable", "Quick-Dry", "Non-Slip", "Shock-Absorbing", "Training"),
                    List.of("跑鞋", "足球", "瑜伽垫", "篮球", "哑铃", "网球拍", "跳绳", "运动手环", "弹力带",
                            "骑行服", "羽毛球拍", "健身手套"),
                    List.of("透气", "速干", "防滑", "减震", "专业训练")),
            new Theme("electronics",
                    List.of("Smartphone", "Wireless Earbuds", "Bluetooth Speaker", "Phone Case",
                            "Wall Charger", "Power Bank", "USB-C Cable", "Smartwatch", "Tablet",
                            "Noise Cancelling Headphones", "Laptop Stand", "Screen Protector"),
                    List.of("5G", "Ultra-Thin", "Fast-Charging", "Next-Gen", "High-Capacity"),
                    List.of("手机", "无线耳机", "蓝牙音箱", "手机壳", "充电器", "充电宝", "数据线", "智能手表",
                            "平板电脑", "降噪耳机", "笔记本支架", "钢化膜"),
                    List.of("5G", "超薄", "快充", "高清", "大容量")),
            new Theme("beauty",
                    List.of("Lipstick", "Face Serum", "Moisturizer", "Sunscreen SPF 50", "Facial Cleanser",
                            "Eye Shadow Palette", "Sheet Mask", "Foundation", "Perfume", "Nail Polish",
                            "Makeup Brush Set", "Hair Conditioner"),
                    List.of("Hydrating", "Matte", "Long-Lasting", "Brightening", "Gentle"),
                    List.of("口红", "精华液", "面霜", "防晒霜", "洗面奶", "眼影盘", "面膜", "粉底液", "香水", "指甲油",
                            "化妆刷", "护发素"),
                    List.of("保湿", "哑光", "持久", "美白", "温和")),
            new Theme("kitchen",
                    List.of("Frying Pan", "Chef Knife", "Rice Cooker", "Cutting Board", "Stock Pot",
                            "Air Fryer", "Electric Kettle", "Blender", "Baking Tray", "Spatula Set",
                            "Food Storage Containers", "Coffee Grinder"),
                    List.of("Nonstick", "Stainless Steel", "Dishwasher-Safe", "Heat-Resistant", "Induction-Ready"),
                    List.of("炒锅", "菜刀", "电饭煲", "砧板", "汤锅", "空气炸锅", "电水壶", "破壁机", "烤盘", "锅铲",
                            "保鲜盒", "磨豆机"),
                    List.of("不粘", "不锈钢", "耐高温", "食品级", "易清洗")),
            new Theme("books",
                    List.of("Mystery Novel", "Science Fiction Novel", "History Book", "Poetry Collection",
                            "Biography", "Philosophy Book", "Classic Literature", "Self-Help Book",
                            "Graphic Novel", "Travel Guide", "Language Textbook", "Fantasy Trilogy"),
                    List.of("Hardcover", "Paperback", "Bestselling", "Illustrated", "Annotated"),
                    List.of("推理小说", "科幻小说", "历史书", "诗集", "人物传记", "哲学书", "经典文学", "励志书", "漫画",
                            "旅行指南", "外语教材", "奇幻小说"),
                    List.of("精装", "平装", "畅销", "插图版", "典藏版")),
            new Theme("baby",
                    List.of("Baby Diapers", "Baby Formula", "Baby Stroller", "Baby Bottle", "Pacifier",
                            "Baby Wipes", "Crib", "Teething Toy", "Baby Carrier", "Onesie", "Baby Bath Tub",
                            "Bib"),
                    List.of("Newborn", "BPA-Free", "Soft", "Hypoallergenic", "Infant"),
                    List.of("纸尿裤", "婴儿奶粉", "婴儿推车", "奶瓶", "安抚奶嘴", "婴儿湿巾", "婴儿床", "牙胶", "婴儿背带",
                            "连体衣", "婴儿浴盆", "口水巾"),
                    List.of("新生儿", "母婴级", "柔软", "防过敏", "宝宝")),
            new Theme("pets",
                    List.of("Dog Food", "Cat Litter", "Cat Tree", "Dog Leash", "Pet Bed", "Cat Toy",
                            "Dog Chew Toy", "Pet Grooming Brush", "Aquarium Filter", "Bird Cage",
                            "Pet Carrier", "Cat Scratching Post"),
                    List.of("Grain-Free", "Odor-Control", "Durable", "Washable", "Vet-Approved"),
                    List.of("狗粮", "猫砂", "猫爬架", "狗绳", "宠物窝", "逗猫棒", "磨牙玩具", "宠物梳", "鱼缸过滤器",
                            "鸟笼", "宠物航空箱", "猫抓板"),
                    List.of("无谷", "除臭", "耐咬", "可水洗", "天然")),
            new Theme("games",
                    List.of("Game Controller", "Gaming Console", "Mechanical Keyboard", "Gaming Mouse",
                            "Board Game", "Video Game", "Gaming Headset", "Jigsaw Puzzle", "Playing Cards",
                            "Gaming Chair", "VR Headset", "Trading Card Pack"),
                    List.of("RGB", "Multiplayer", "Esports", "Collector's", "Co-op"),
                    List.of("游戏手柄", "游戏机", "机械键盘", "电竞鼠标", "桌游", "游戏卡带", "电竞耳麦", "拼图",
                            "扑克牌", "电竞椅", "VR眼镜", "卡牌"),
                    List.of("RGB", "多人", "竞技", "收藏版", "联机")),
            new Theme("outdoor",
                    List.of("Camping Tent", "Sleeping Bag", "Hiking Backpack", "Trekking Poles",
                            "Camping Stove", "Headlamp", "Water Filter", "Folding Camp Chair", "Hammock",
                            "Fishing Rod", "Hiking Boots", "Cooler Box"),
                    List.of("Waterproof", "Ultralight", "Windproof", "Portable", "All-Season"),
                    List.of("帐篷", "睡袋", "登山包", "登山杖", "野营炉", "头灯", "净水器", "折叠椅", "吊床", "鱼竿",
                            "登山鞋", "保温箱"),
                    List.of("防水", "超轻", "防风", "户外", "四季")),
            new Theme("fashion",
                    List.of("Denim Jacket", "Cotton T-Shirt", "Summer Dress", "Leather Handbag",
                            "Wool Sweater", "Sneakers", "Silk Scarf", "Sunglasses", "Skinny Jeans",
                            "Trench Coat", "Knit Cardigan", "Leather Belt"),
                    List.of("Slim Fit", "Oversized", "Vintage", "Casual", "Korean Style"),
                    List.of("牛仔外套", "纯棉T恤", "连衣裙", "真皮手提包", "羊毛衫", "小白鞋", "丝巾", "太阳镜",
                            "直筒牛仔裤", "风衣", "针织开衫", "皮带"),
                    List.of("修身", "宽松", "复古", "百搭", "韩版")),
            new Theme("home",
                    List.of("Throw Pillow", "Area Rug", "Table Lamp", "Wall Art Print", "Scented Candle",
                            "Curtains", "Photo Frame", "Ceramic Vase", "Wall Clock", "Bookshelf",
                            "Duvet Cover", "Storage Basket"),
                    List.of("Nordic", "Minimalist", "Handmade", "Cozy", "Decorative"),
                    List.of("抱枕", "地毯", "台灯", "装饰画", "香薰蜡烛", "窗帘", "相框", "陶瓷花瓶", "挂钟", "书架",
                            "被套", "收纳筐"),
                    List.of("北欧", "简约", "手工", "温馨", "ins风")),
            new Theme("food",
                    List.of("Potato Chips", "Dark Chocolate", "Mixed Nuts", "Beef Jerky", "Green Tea",
                            "Instant Noodles", "Dried Mango", "Butter Cookies", "Coffee Beans", "Gummy Candy",
                            "Sunflower Seeds", "Granola Bars"),
                    List.of("Spicy", "Crunchy", "Sugar-Free", "Organic", "Family Size"),
                    List.of("薯片", "黑巧克力", "每日坚果", "牛肉干", "绿茶", "方便面", "芒果干", "曲奇饼干", "咖啡豆",
                            "软糖", "瓜子", "燕麦棒"),
                    List.of("香辣", "酥脆", "无糖", "有机", "家庭装")));

    List<String> products(boolean chinese) {
        return chinese ? zhProducts : enProducts;
    }

    List<String> adjectives(boolean chinese) {
        return chinese ? zhAdjectives : enAdjectives;
    }
}
